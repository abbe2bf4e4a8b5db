using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;

namespace UefiRecovery.Core.Tests.Image;

/// <summary>
/// Builds RSA2048/SHA256 FMP capsules with the layout EDK2 produces (checked byte for byte against vector A)
/// and signs them with .NET RSA, so tests can make capsules EDK2 never shipped: dependencies, other header
/// versions, other versions and hardware instances.
/// </summary>
internal sealed class TestCapsuleBuilder
{
    public EfiGuid ImageType { get; set; } = Edk2Vectors.ImageType;
    public uint FwVersion { get; set; } = Edk2Vectors.FwVersion;
    public uint LowestSupportedVersion { get; set; } = Edk2Vectors.LowestSupportedVersion;
    public ulong MonotonicCount { get; set; }
    public ulong HardwareInstance { get; set; }
    public byte ImageIndex { get; set; } = 1;
    public uint ImageHeaderVersion { get; set; } = 3;
    public byte[] Dependency { get; set; } = Array.Empty<byte>();
    public byte[] Payload { get; set; } = Edk2Vectors.Payload4k;
    public string PrivateKeyPem { get; set; } = Edk2Vectors.TestPrivateKeyPem;

    public byte[] Build()
    {
        using RSA key = RSA.Create();
        key.ImportFromPem(PrivateKeyPem);
        byte[] modulus = key.ExportParameters(false).Modulus!;

        // Signed part: [dependency] FMP_PAYLOAD_HEADER payload, then UINT64 MonotonicCount.
        byte[] signedPart = new byte[Dependency.Length + 16 + Payload.Length];
        Dependency.CopyTo(signedPart, 0);
        Span<byte> payloadHeader = signedPart.AsSpan(Dependency.Length, 16);
        BinaryPrimitives.WriteUInt32LittleEndian(payloadHeader, FmpPayloadHeader.ExpectedSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(payloadHeader.Slice(4), 16);
        BinaryPrimitives.WriteUInt32LittleEndian(payloadHeader.Slice(8), FwVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(payloadHeader.Slice(12), LowestSupportedVersion);
        Payload.CopyTo(signedPart, Dependency.Length + 16);
        byte[] toSign = new byte[signedPart.Length + 8];
        signedPart.CopyTo(toSign, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(toSign.AsSpan(signedPart.Length), MonotonicCount);
        byte[] signature = key.SignData(toSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        int imageHeaderSize = ImageHeaderVersion == 1 ? 32 : ImageHeaderVersion == 2 ? 40 : 48;
        int updateImageSize = 8 + 0x228 + signedPart.Length;
        int total = 0x20 + 0x10 + imageHeaderSize + updateImageSize;
        byte[] file = new byte[total];
        Span<byte> f = file;
        CapsuleGuids.FmpCapsule.TryWrite(f);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(16), 0x20);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(24), (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(0x20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(f.Slice(0x26), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(f.Slice(0x28), 0x10);
        Span<byte> image = f.Slice(0x30);
        BinaryPrimitives.WriteUInt32LittleEndian(image, ImageHeaderVersion);
        ImageType.TryWrite(image.Slice(4));
        image[20] = ImageIndex;
        BinaryPrimitives.WriteUInt32LittleEndian(image.Slice(24), (uint)updateImageSize);
        if (ImageHeaderVersion >= 2)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(image.Slice(32), HardwareInstance);
        }
        if (ImageHeaderVersion >= 3)
        {
            ulong support = FmpImageHeader.CapsuleSupportAuthentication | (Dependency.Length > 0 ? FmpImageHeader.CapsuleSupportDependency : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(image.Slice(40), support);
        }
        Span<byte> auth = image.Slice(imageHeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(auth, MonotonicCount);
        BinaryPrimitives.WriteUInt32LittleEndian(auth.Slice(8), 0x228);
        BinaryPrimitives.WriteUInt16LittleEndian(auth.Slice(12), 0x0200);
        BinaryPrimitives.WriteUInt16LittleEndian(auth.Slice(14), 0x0EF1);
        CapsuleGuids.CertTypeRsa2048Sha256.TryWrite(auth.Slice(16));
        CapsuleGuids.HashAlgorithmSha256.TryWrite(auth.Slice(32));
        modulus.CopyTo(auth.Slice(48));
        signature.CopyTo(auth.Slice(48 + 256));
        signedPart.CopyTo(auth.Slice(8 + 0x228));
        return file;
    }
}
