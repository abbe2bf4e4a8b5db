using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Image;
using Xunit;

namespace UefiRecovery.Core.Tests.Image;

/// <summary>Parser against the EDK2 vectors (layout table in edk2-capsules/README.txt) and against lying fields.</summary>
public class CapsuleParserTests
{
    [Fact]
    public void TryParse_Rsa2048A_EveryFieldMatchesTheReadmeTable()
    {
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);

        Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(file, out FmpCapsule capsule));

        Assert.True(capsule.CapsuleHeader.CapsuleGuid.Equals(CapsuleGuids.FmpCapsule));
        Assert.Equal(0x20u, capsule.CapsuleHeader.HeaderSize);
        Assert.Equal(0u, capsule.CapsuleHeader.Flags);
        Assert.Equal(0x12A0u, capsule.CapsuleHeader.CapsuleImageSize);
        Assert.Equal(1u, capsule.FmpHeader.Version);
        Assert.Equal(0, capsule.FmpHeader.EmbeddedDriverCount);
        Assert.Equal(1, capsule.FmpHeader.PayloadItemCount);
        Assert.Equal(0x10ul, capsule.FmpHeader.PayloadItemOffset);
        Assert.Equal(0x30, capsule.ImageHeaderOffset);
        Assert.Equal(3u, capsule.ImageHeader.Version);
        Assert.True(capsule.ImageHeader.UpdateImageTypeId.Equals(Edk2Vectors.ImageType));
        Assert.Equal(1, capsule.ImageHeader.UpdateImageIndex);
        Assert.Equal(0x1240u, capsule.ImageHeader.UpdateImageSize);
        Assert.Equal(0u, capsule.ImageHeader.UpdateVendorCodeSize);
        Assert.Equal(0ul, capsule.ImageHeader.UpdateHardwareInstance);
        Assert.Equal(1ul, capsule.ImageHeader.ImageCapsuleSupport);
        Assert.Equal(0x60, capsule.AuthenticationOffset);
        Assert.Equal(0ul, capsule.Authentication.MonotonicCount);
        Assert.Equal(0x228u, capsule.Authentication.Length);
        Assert.Equal(0x0200, capsule.Authentication.Revision);
        Assert.Equal(0x0EF1, capsule.Authentication.CertificateType);
        Assert.True(capsule.Authentication.IsRsa2048Sha256);
        Assert.Equal(0x210, capsule.CertificateData.Length);
        Assert.Equal(0, capsule.Dependency.Length);
        Assert.Equal(0x290, capsule.PayloadHeaderOffset);
        Assert.Equal(FmpPayloadHeader.ExpectedSignature, capsule.PayloadHeader.Signature);
        Assert.Equal(16u, capsule.PayloadHeader.HeaderSize);
        Assert.Equal(Edk2Vectors.FwVersion, capsule.PayloadHeader.FwVersion);
        Assert.Equal(Edk2Vectors.LowestSupportedVersion, capsule.PayloadHeader.LowestSupportedVersion);
        Assert.Equal(0x2A0, capsule.PayloadOffset);
        Assert.Equal(Edk2Vectors.Payload4k, capsule.Payload.ToArray());
        Assert.Equal(0x12A0 - 0x290, capsule.SignedData.Length);
        Assert.Equal(0, capsule.VendorCode.Length);
    }

    [Theory]
    [InlineData(Edk2Vectors.RsaB, 0x290, 0x84000)]
    [InlineData(Edk2Vectors.RsaD, 0x290, 0x1000)]
    [InlineData(Edk2Vectors.Pkcs7A, 0xB55, 0x1000)]
    [InlineData(Edk2Vectors.Pkcs7B, 0xB55, 0x84000)]
    [InlineData(Edk2Vectors.Pkcs7C, 0xB55, 0x1000)]
    [InlineData(Edk2Vectors.Pkcs7D, 0x9C5, 0x1000)]
    public void TryParse_OtherVectors_FindPayloadHeaderAndPayload(string vector, int payloadHeaderOffset, int payloadLength)
    {
        byte[] file = Edk2Vectors.Read(vector);
        Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(file, out FmpCapsule capsule));
        Assert.Equal(payloadHeaderOffset, capsule.PayloadHeaderOffset);
        Assert.Equal(payloadLength, capsule.Payload.Length);
        Assert.Equal(file.Length, capsule.PayloadOffset + capsule.Payload.Length);
    }

    [Fact]
    public void TryParse_Pkcs7A_CertDataSpansDwLengthMinus24()
    {
        byte[] file = Edk2Vectors.Read(Edk2Vectors.Pkcs7A);
        Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(file, out FmpCapsule capsule));
        Assert.True(capsule.Authentication.IsPkcs7);
        Assert.Equal(0xAEDu, capsule.Authentication.Length);
        Assert.Equal(0xAED - 24, capsule.CertificateData.Length);
        Assert.Equal(0x30, capsule.CertificateData[0]); // DER SEQUENCE (ContentInfo)
        Assert.Equal(0x1B05u, capsule.ImageHeader.UpdateImageSize);
    }

    [Fact]
    public void TryParse_EveryPrefixOfA_IsRejectedCleanly()
    {
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        for (int length = 0; length < file.Length; length++)
        {
            CapsuleStatus status = CapsuleParser.TryParse(file.AsSpan(0, length), out _);
            Assert.NotEqual(CapsuleStatus.Ok, status);
            Assert.Equal(length < 28 ? CapsuleStatus.CapsuleHeaderTruncated : CapsuleStatus.CapsuleImageSizeMismatch, status);
        }
    }

    [Fact]
    public void TryParse_EveryPrefixOfA_WithCapsuleImageSizeFixedUp_IsRejectedWithAStructureReason()
    {
        // A truncated file whose outer size field was "repaired" must still fail on an inner length.
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        for (int length = 28; length < file.Length; length++)
        {
            byte[] prefix = file.AsSpan(0, length).ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(24), (uint)length);
            CapsuleStatus status = CapsuleParser.TryParse(prefix, out _);
            Assert.True(status >= CapsuleStatus.CapsuleHeaderTruncated && status < CapsuleStatus.Rsa2048CertLengthInvalid, $"length {length}: {status}");
        }
    }

    // Each row: absolute offset in rsa2048/A, field width, lying value, expected reason.
    [Theory]
    [InlineData(0x00, 4, 0x6DCBD5EEu, CapsuleStatus.NotFmpCapsule)]
    [InlineData(0x10, 4, 27u, CapsuleStatus.CapsuleHeaderSizeInvalid)]
    [InlineData(0x10, 4, 0x12A1u, CapsuleStatus.CapsuleHeaderSizeInvalid)]
    [InlineData(0x10, 4, 0xFFFFFFFFu, CapsuleStatus.CapsuleHeaderSizeInvalid)]
    [InlineData(0x10, 4, 0x12A0u, CapsuleStatus.FmpHeaderTruncated)]
    [InlineData(0x18, 4, 0x12A1u, CapsuleStatus.CapsuleImageSizeMismatch)]
    [InlineData(0x18, 4, 0x129Fu, CapsuleStatus.CapsuleImageSizeMismatch)]
    [InlineData(0x18, 4, 0xFFFFFFFFu, CapsuleStatus.CapsuleImageSizeMismatch)]
    [InlineData(0x20, 4, 2u, CapsuleStatus.FmpHeaderVersionUnsupported)]
    [InlineData(0x24, 2, 1u, CapsuleStatus.EmbeddedDriversUnsupported)]
    [InlineData(0x26, 2, 0u, CapsuleStatus.FmpNoItems)]
    [InlineData(0x26, 2, 2u, CapsuleStatus.PayloadCountUnsupported)]
    [InlineData(0x28, 4, 0x0Fu, CapsuleStatus.ItemOffsetOutOfRange)]
    [InlineData(0x28, 4, 0x1280u, CapsuleStatus.ItemOffsetOutOfRange)]
    [InlineData(0x2C, 4, 0x1u, CapsuleStatus.ItemOffsetOutOfRange)]
    [InlineData(0x28, 4, 0x11u, CapsuleStatus.ImageHeaderVersionUnsupported)]
    [InlineData(0x28, 4, 0x1270u, CapsuleStatus.ImageHeaderTruncated)]
    [InlineData(0x30, 4, 0u, CapsuleStatus.ImageHeaderVersionUnsupported)]
    [InlineData(0x30, 4, 4u, CapsuleStatus.ImageHeaderVersionUnsupported)]
    [InlineData(0x30, 4, 2u, CapsuleStatus.ImageSizeMismatch)]
    [InlineData(0x48, 4, 0x1241u, CapsuleStatus.ImageSizeMismatch)]
    [InlineData(0x48, 4, 0xFFFFFFFFu, CapsuleStatus.ImageSizeMismatch)]
    [InlineData(0x4C, 4, 0xFFFFFFF0u, CapsuleStatus.ImageSizeMismatch)]
    [InlineData(0x68, 4, 23u, CapsuleStatus.CertLengthInvalid)]
    [InlineData(0x68, 4, 0x1239u, CapsuleStatus.CertLengthInvalid)]
    [InlineData(0x68, 4, 0xFFFFFFF8u, CapsuleStatus.CertLengthInvalid)]
    [InlineData(0x68, 4, 0x1238u, CapsuleStatus.PayloadHeaderTruncated)]
    [InlineData(0x6C, 2, 0x0100u, CapsuleStatus.CertRevisionUnsupported)]
    [InlineData(0x6E, 2, 0x0002u, CapsuleStatus.CertificateTypeNotGuid)]
    [InlineData(0x70, 4, 0u, CapsuleStatus.CertTypeUnsupported)]
    [InlineData(0x290, 4, 0x3253534Du, CapsuleStatus.PayloadHeaderSignatureInvalid)]
    [InlineData(0x294, 4, 15u, CapsuleStatus.PayloadHeaderSizeInvalid)]
    [InlineData(0x294, 4, 0x1011u, CapsuleStatus.PayloadHeaderSizeInvalid)]
    [InlineData(0x294, 4, 0xFFFFFFFFu, CapsuleStatus.PayloadHeaderSizeInvalid)]
    [InlineData(0x58, 4, 3u, CapsuleStatus.DependencyUnknownOpcode)] // claims a dependency; 'M' is no opcode
    public void TryParse_LyingField_RejectedWithPreciseReason(int offset, int width, uint value, CapsuleStatus expected)
    {
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        if (width == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(offset), (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(offset), value);
        }

        Assert.Equal(expected, CapsuleParser.TryParse(file, out _));
    }

    [Fact]
    public void TryParse_TrailingByteAfterCapsule_Rejected()
    {
        byte[] file = Edk2Vectors.Read(Edk2Vectors.RsaA);
        byte[] longer = new byte[file.Length + 1];
        file.CopyTo(longer, 0);
        Assert.Equal(CapsuleStatus.CapsuleImageSizeMismatch, CapsuleParser.TryParse(longer, out _));
    }

    [Fact]
    public void TryParse_ImageHeaderVersions1And2_ParseWithAbsentFieldsZero()
    {
        foreach (uint version in new uint[] { 1, 2 })
        {
            byte[] file = new TestCapsuleBuilder { ImageHeaderVersion = version, HardwareInstance = 7 }.Build();
            Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(file, out FmpCapsule capsule));
            Assert.Equal(version, capsule.ImageHeader.Version);
            Assert.Equal(version == 1 ? 0ul : 7ul, capsule.ImageHeader.UpdateHardwareInstance);
            Assert.Equal(0ul, capsule.ImageHeader.ImageCapsuleSupport);
            Assert.Equal(Edk2Vectors.Payload4k, capsule.Payload.ToArray());
        }
    }
}
