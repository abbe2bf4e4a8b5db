using System;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Image;
using Xunit;

namespace UefiRecovery.Core.Tests.Image;

/// <summary>The firmware build has no GC: after setup, hashing and verifying must allocate nothing.</summary>
public class VerifierAllocationTests
{
    [Fact]
    public void VerifyAndHash_AfterSetup_AllocateNothing()
    {
        byte[] a = Edk2Vectors.Read(Edk2Vectors.RsaA);
        byte[] c = Edk2Vectors.Read(Edk2Vectors.RsaC);
        byte[] pkcs7 = Edk2Vectors.Read(Edk2Vectors.Pkcs7A);
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        UpdateTarget target = Edk2Vectors.Target();
        var hasher = new Sha256();
        byte[] digest = new byte[32];
        CapsuleParser.TryParse(a, out FmpCapsule parsed);
        byte[] modulus = parsed.CertificateData.Slice(16, 256).ToArray();
        byte[] signature = parsed.CertificateData.Slice(272, 256).ToArray();
        byte[] exponent = { 1, 0, 1 };
        var statuses = new CapsuleStatus[3];
        var rsa = RsaVerifyResult.None;

        for (int round = 0; round < 4; round++) // rounds 0-2 warm up (JIT tiering, static data); round 3 is measured
        {
            long t0 = GC.GetAllocatedBytesForCurrentThread();
            statuses[0] = verifier.Verify(a, target, out _).Status;
            statuses[1] = verifier.Verify(c, target, out _).Status;
            long t1 = GC.GetAllocatedBytesForCurrentThread();
            statuses[2] = verifier.Verify(pkcs7, target, out _).Status;
            long t2 = GC.GetAllocatedBytesForCurrentThread();
            Sha256.Hash(a, digest);
            hasher.Initialize();
            hasher.Append(a);
            hasher.Finish(digest);
            rsa = RsaPkcs1Verifier.Verify(modulus, exponent, digest, signature);
            long t3 = GC.GetAllocatedBytesForCurrentThread();
            if (round == 3)
            {
                Assert.Equal((0L, 0L, 0L), (t1 - t0, t2 - t1, t3 - t2));
            }
        }

        Assert.Equal(CapsuleStatus.Ok, statuses[0]);
        Assert.Equal(CapsuleStatus.SignatureInvalid, statuses[1]);
        Assert.Equal(CapsuleStatus.Ok, statuses[2]);
        Assert.Equal(RsaVerifyResult.EncodingMismatch, rsa); // digest of the whole file, not of the signed data
    }
}
