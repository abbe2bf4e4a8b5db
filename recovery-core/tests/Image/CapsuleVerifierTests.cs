using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Image;
using Xunit;

namespace UefiRecovery.Core.Tests.Image;

/// <summary>Expected verdicts from edk2-capsules/README.txt "Expected verifier answers", plus policy cases.</summary>
public class CapsuleVerifierTests
{
    [Theory]
    [InlineData(Edk2Vectors.RsaA, CapsuleStatus.Ok)]
    [InlineData(Edk2Vectors.RsaB, CapsuleStatus.Ok)]
    [InlineData(Edk2Vectors.RsaC, CapsuleStatus.SignatureInvalid)]
    [InlineData(Edk2Vectors.RsaD, CapsuleStatus.PublicKeyNotTrusted)]
    public void Verify_Rsa2048VectorsWithTestKeyTrusted_MatchExpectedVerdicts(string vector, CapsuleStatus expected)
    {
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        CapsuleVerdict verdict = verifier.Verify(Edk2Vectors.Read(vector), Edk2Vectors.Target(), out _);
        Assert.Equal(expected, verdict.Status);
        Assert.Equal(expected == CapsuleStatus.Ok, verdict.IsAccepted);
        if (expected == CapsuleStatus.SignatureInvalid)
        {
            Assert.Equal(RsaVerifyResult.EncodingMismatch, verdict.RsaResult);
        }
    }

    [Theory]
    [InlineData(Edk2Vectors.RsaA, CapsuleStatus.PublicKeyNotTrusted)]
    [InlineData(Edk2Vectors.RsaB, CapsuleStatus.PublicKeyNotTrusted)]
    [InlineData(Edk2Vectors.RsaC, CapsuleStatus.PublicKeyNotTrusted)]
    [InlineData(Edk2Vectors.RsaD, CapsuleStatus.Ok)]
    public void Verify_Rsa2048VectorsWithUntrustedKeyTrusted_OnlyDAccepted(string vector, CapsuleStatus expected)
    {
        var verifier = new CapsuleVerifier(Edk2Vectors.UntrustedKeyStore());
        Assert.Equal(expected, verifier.Verify(Edk2Vectors.Read(vector), Edk2Vectors.Target(), out _).Status);
    }

    [Fact]
    public void Verify_EmptyTrustStore_RejectsEveryRsaVector()
    {
        var verifier = new CapsuleVerifier(new TrustStore(1, 1, 1));
        foreach (string vector in new[] { Edk2Vectors.RsaA, Edk2Vectors.RsaB, Edk2Vectors.RsaC, Edk2Vectors.RsaD })
        {
            Assert.Equal(CapsuleStatus.PublicKeyNotTrusted, verifier.Verify(Edk2Vectors.Read(vector), Edk2Vectors.Target(), out _).Status);
        }
    }

    [Fact]
    public void ComputeSignedDigest_A_MatchesReadmeValue()
    {
        // README: for rsa2048/A, SHA-256(signed data) = 3529a2f3...
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        CapsuleParser.TryParse(file, out FmpCapsule capsule);
        byte[] digest = new byte[32];
        new CapsuleVerifier(Edk2Vectors.TestKeyStore()).ComputeSignedDigest(capsule, digest);
        Assert.Equal("3529a2f37205121413b4d923a559baa5055513cb09b6946e8ab41e0143e923a1", Convert.ToHexString(digest).ToLowerInvariant());
    }

    [Theory]
    [InlineData(Edk2Vectors.Pkcs7A, CapsuleStatus.Ok)]
    [InlineData(Edk2Vectors.Pkcs7B, CapsuleStatus.Ok)]
    [InlineData(Edk2Vectors.Pkcs7C, CapsuleStatus.Pkcs7VerificationFailed)]
    [InlineData(Edk2Vectors.Pkcs7D, CapsuleStatus.Pkcs7VerificationFailed)]
    public void Verify_Pkcs7VectorsWithTestRootTrusted_MatchExpectedVerdicts(string vector, CapsuleStatus expected)
    {
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        CapsuleVerdict verdict = verifier.Verify(Edk2Vectors.Read(vector), Edk2Vectors.Target(), out _);
        Assert.Equal(expected, verdict.Status);
        Assert.True(verdict.Pkcs7Checked);
    }

    [Fact]
    public void Verify_Pkcs7WithNoRootInStore_RejectedNoTrustedRoot()
    {
        var verifier = new CapsuleVerifier(Edk2Vectors.UntrustedKeyStore());
        Assert.Equal(CapsuleStatus.Pkcs7NoTrustedRoot, verifier.Verify(Edk2Vectors.Read(Edk2Vectors.Pkcs7A), Edk2Vectors.Target(), out _).Status);
    }

    [Fact]
    public void Verify_RollbackBelowStoredLowestSupported_Rejected()
    {
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        Assert.Equal(CapsuleStatus.Ok, verifier.Verify(file, Edk2Vectors.Target(storedLowestSupportedVersion: 0x00010002), out _).Status);
        Assert.Equal(CapsuleStatus.RollbackBelowStoredLowestSupported,
            verifier.Verify(file, Edk2Vectors.Target(storedLowestSupportedVersion: 0x00010003), out _).Status);
        Assert.Equal(CapsuleStatus.RollbackBelowStoredLowestSupported,
            verifier.Verify(Edk2Vectors.Read(Edk2Vectors.Pkcs7A), Edk2Vectors.Target(storedLowestSupportedVersion: 0x00020000), out _).Status);
    }

    [Fact]
    public void Verify_FwVersionBelowOwnLowestSupported_Rejected()
    {
        byte[] file = new TestCapsuleBuilder { FwVersion = 0x00010000, LowestSupportedVersion = 0x00010001 }.Build();
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        Assert.Equal(CapsuleStatus.VersionBelowOwnLowestSupported, verifier.Verify(file, Edk2Vectors.Target(0), out _).Status);
    }

    [Fact]
    public void Verify_WrongImageType_Rejected()
    {
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        EfiGuid.TryParse("6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e11", out EfiGuid other);
        var target = new UpdateTarget(other, 1, 0, 0, 0, 1 << 20);
        Assert.Equal(CapsuleStatus.ImageTypeMismatch, verifier.Verify(Edk2Vectors.Read(Edk2Vectors.RsaA), target, out _).Status);

        // The image type is outside the signature: a capsule re-labelled for our type still carries a valid signature,
        // so the type check (not the signature) is what stops it. Here: A re-labelled to another type is rejected.
        byte[] relabelled = Edk2Vectors.Read(Edk2Vectors.RsaA);
        other.TryWrite(relabelled.AsSpan(0x34));
        Assert.Equal(CapsuleStatus.ImageTypeMismatch, verifier.Verify(relabelled, Edk2Vectors.Target(), out _).Status);
    }

    [Fact]
    public void Verify_HardwareInstanceAndIndex_CheckedAgainstTarget()
    {
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        byte[] forInstance5 = new TestCapsuleBuilder { HardwareInstance = 5 }.Build();
        EfiGuid type = Edk2Vectors.ImageType;
        Assert.Equal(CapsuleStatus.Ok, verifier.Verify(forInstance5, new UpdateTarget(type, 1, 5, 0, 0, 1 << 20), out _).Status);
        Assert.Equal(CapsuleStatus.HardwareInstanceMismatch, verifier.Verify(forInstance5, new UpdateTarget(type, 1, 6, 0, 0, 1 << 20), out _).Status);
        // HardwareInstance 0 in the capsule means any instance.
        Assert.Equal(CapsuleStatus.Ok, verifier.Verify(Edk2Vectors.Read(Edk2Vectors.RsaA), new UpdateTarget(type, 1, 6, 0, 0, 1 << 20), out _).Status);
        Assert.Equal(CapsuleStatus.ImageIndexMismatch, verifier.Verify(forInstance5, new UpdateTarget(type, 2, 5, 0, 0, 1 << 20), out _).Status);
        Assert.Equal(CapsuleStatus.Ok, verifier.Verify(forInstance5, new UpdateTarget(type, 0, 5, 0, 0, 1 << 20), out _).Status);
    }

    [Fact]
    public void Verify_PayloadLargerThanRegion_Rejected()
    {
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        Assert.Equal(CapsuleStatus.Ok, verifier.Verify(Edk2Vectors.Read(Edk2Vectors.RsaB), Edk2Vectors.Target(regionSize: 0x84000), out _).Status);
        Assert.Equal(CapsuleStatus.PayloadTooLarge, verifier.Verify(Edk2Vectors.Read(Edk2Vectors.RsaB), Edk2Vectors.Target(regionSize: 0x83FFF), out _).Status);
    }

    [Fact]
    public void Verify_EmptyPayload_Rejected()
    {
        byte[] file = new TestCapsuleBuilder { Payload = Array.Empty<byte>() }.Build();
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        Assert.Equal(CapsuleStatus.PayloadEmpty, verifier.Verify(file, Edk2Vectors.Target(), out _).Status);
    }

    [Fact]
    public void Verify_MonotonicCountChanged_SignatureInvalid()
    {
        // MonotonicCount is outside SignedData but inside the hashed data.
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        file[0x60] = 1;
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        Assert.Equal(CapsuleStatus.SignatureInvalid, verifier.Verify(file, Edk2Vectors.Target(), out _).Status);
    }

    [Theory]
    [InlineData(0x80, CapsuleStatus.Rsa2048HashTypeUnsupported)] // HashType GUID
    [InlineData(0x90, CapsuleStatus.PublicKeyNotTrusted)]        // first modulus byte
    [InlineData(0x18F, CapsuleStatus.PublicKeyNotTrusted)]       // last modulus byte
    [InlineData(0x190, CapsuleStatus.SignatureInvalid)]          // first signature byte
    [InlineData(0x28F, CapsuleStatus.SignatureInvalid)]          // last signature byte
    [InlineData(0x29C, CapsuleStatus.SignatureInvalid)]          // LowestSupportedVersion: parses fine, is signed
    [InlineData(0x12A0 - 1, CapsuleStatus.SignatureInvalid)]     // last payload byte
    public void Verify_CertBlockOrSignedByteChanged_RejectedWithReason(int offset, CapsuleStatus expected)
    {
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        file[offset] ^= 0x01;
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        Assert.Equal(expected, verifier.Verify(file, Edk2Vectors.Target(), out _).Status);
    }

    [Fact]
    public void Verify_Rsa2048WithWrongDwLength_Rejected()
    {
        // A structurally consistent RSA2048 capsule whose CertData is one byte longer than the cert block:
        // one byte inserted after the signature, dwLength, UpdateImageSize and CapsuleImageSize all raised by one.
        byte[] a = Edk2Vectors.Read(Edk2Vectors.RsaA);
        byte[] file = new byte[a.Length + 1];
        a.AsSpan(0, 0x290).CopyTo(file);
        a.AsSpan(0x290).CopyTo(file.AsSpan(0x291));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x18), (uint)file.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x48), 0x1241);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x68), 0x229);
        Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(file, out _));

        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        Assert.Equal(CapsuleStatus.Rsa2048CertLengthInvalid, verifier.Verify(file, Edk2Vectors.Target(), out _).Status);
    }

    [Fact]
    public void Verify_DwLengthOneByteLongWithoutInsertedByte_PayloadHeaderMisplacedRejected()
    {
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        file[0x68] = 0x29; // 0x229: MSS1 is now looked for one byte later
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());
        Assert.Equal(CapsuleStatus.PayloadHeaderSignatureInvalid, verifier.Verify(file, Edk2Vectors.Target(), out _).Status);
    }

    [Fact]
    public void Verify_DependencySatisfiedOrNot_FollowsExpression()
    {
        EfiGuid type = Edk2Vectors.ImageType;
        byte[] own = new byte[16];
        type.TryWrite(own);
        // PUSH_VERSION 0x00010001, PUSH_GUID own, GTE, END: "installed version >= 0x00010001" (top OP next).
        byte[] dependency = [0x01, 0x01, 0x00, 0x01, 0x00, 0x00, .. own, 0x0A, 0x0D];
        byte[] file = new TestCapsuleBuilder { Dependency = dependency }.Build();
        var verifier = new CapsuleVerifier(Edk2Vectors.TestKeyStore());

        CapsuleVerdict accepted = verifier.Verify(file, new UpdateTarget(type, 1, 0, 0, 0x00010001, 1 << 20), out FmpCapsule capsule);
        Assert.Equal(CapsuleStatus.Ok, accepted.Status);
        Assert.Equal(dependency, capsule.Dependency.ToArray());
        Assert.Equal(Edk2Vectors.Payload4k, capsule.Payload.ToArray());

        Assert.Equal(CapsuleStatus.DependencyNotSatisfied,
            verifier.Verify(file, new UpdateTarget(type, 1, 0, 0, 0x00010000, 1 << 20), out _).Status);
    }
}
