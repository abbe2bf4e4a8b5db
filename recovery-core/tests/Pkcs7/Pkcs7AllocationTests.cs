using System;
using UefiRecovery.Core.Image.Pkcs7;
using Xunit;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>The firmware build has no GC: verifying a PKCS7 CertData must allocate nothing.</summary>
public class Pkcs7AllocationTests
{
    [Fact]
    public void Verify_AcceptAndRejectPaths_AllocateNothing()
    {
        byte[] a = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] c = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleC);
        byte[] d = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleD);
        byte[] certA = EdkCapsuleVectors.CertData(a);
        byte[] certD = EdkCapsuleVectors.CertData(d);
        byte[] digestA = EdkCapsuleVectors.SignedContentDigest(a);
        byte[] digestC = EdkCapsuleVectors.SignedContentDigest(c);
        byte[] digestD = EdkCapsuleVectors.SignedContentDigest(d);
        byte[] root = EdkCapsuleVectors.TestRootDer;
        Pkcs7Failure[] results = new Pkcs7Failure[3];

        // Tiered JIT charges its own work (call counting, rejits) to the calling thread for a while,
        // more so on a loaded machine: a real allocation shows in every round, JIT noise does not,
        // so the verdict is the first quiet round after warm-up.
        long allocated = -1;
        for (int round = 0; round < 400; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            results[0] = Pkcs7Verifier.Verify(certA, digestA, root).Failure;
            results[1] = Pkcs7Verifier.Verify(certA, digestC, root).Failure;
            results[2] = Pkcs7Verifier.Verify(certD, digestD, root).Failure;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round >= 10 && allocated == 0)
            {
                break;
            }
        }

        Assert.Equal(0, allocated);
        Assert.Equal(new[] { Pkcs7Failure.None, Pkcs7Failure.ContentDigestMismatch, Pkcs7Failure.UntrustedRoot }, results);
    }
}
