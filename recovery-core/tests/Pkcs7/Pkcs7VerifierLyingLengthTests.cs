using System;
using System.Collections.Generic;
using UefiRecovery.Core.Image.Pkcs7;
using Xunit;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// Every length field of capsule A's CertData (found by walking the real DER) rewritten to lie —
/// one more, one less, zero, the largest value its octet count allows, and indefinite — must be
/// rejected, never crash and never be accepted.
/// </summary>
public class Pkcs7VerifierLyingLengthTests
{
    [Fact]
    public void Verify_EveryLengthFieldLying_Rejected()
    {
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] certData = EdkCapsuleVectors.CertData(capsule);
        byte[] digest = EdkCapsuleVectors.SignedContentDigest(capsule);
        byte[] root = EdkCapsuleVectors.TestRootDer;
        Assert.True(Pkcs7Verifier.Verify(certData, digest, root).IsVerified);

        List<DerElement> headers = DerLayout.Elements(certData);
        Assert.True(headers.Count > 100, "CertData A has a few hundred elements");

        int variants = 0;
        foreach (DerElement element in headers)
        {
            int offset = element.Offset;
            int header = element.HeaderLength;
            int length = element.ContentLength;
            int lengthOctets = header - 2; // 0 for the short form
            foreach (long lie in new long[] { length + 1L, length - 1L, 0, lengthOctets == 0 ? 0x7F : (1L << (8 * lengthOctets)) - 1 })
            {
                if (lie < 0 || lie == length || (lengthOctets == 0 && lie > 0x7F))
                {
                    continue;
                }
                byte[] mutant = (byte[])certData.Clone();
                if (lengthOctets == 0)
                {
                    mutant[offset + 1] = (byte)lie;
                }
                else
                {
                    for (int i = 0; i < lengthOctets; i++)
                    {
                        mutant[offset + 2 + i] = (byte)(lie >> (8 * (lengthOctets - 1 - i)));
                    }
                }
                AssertRejected(mutant, digest, root, offset);
                variants++;
            }

            byte[] indefinite = (byte[])certData.Clone();
            indefinite[offset + 1] = 0x80;
            AssertRejected(indefinite, digest, root, offset);
            variants++;
        }
        Assert.True(variants > 400);
    }

    private static void AssertRejected(byte[] mutant, byte[] digest, byte[] root, int offset)
    {
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(mutant, digest, root);
        Assert.False(result.IsVerified, "lying length at offset " + offset + " accepted");
        Assert.NotEqual(Pkcs7Failure.None, result.Failure);
    }
}
