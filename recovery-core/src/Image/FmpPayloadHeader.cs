using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Image;

/// <summary>
/// FMP_PAYLOAD_HEADER (EDK2 FmpDevicePkg/Library/FmpPayloadHeaderLibV1): Signature 'MSS1', HeaderSize,
/// FwVersion, LowestSupportedVersion. It sits inside the signed data, so its versions are authentic
/// once the signature verifies.
/// </summary>
public readonly struct FmpPayloadHeader(uint signature, uint headerSize, uint fwVersion, uint lowestSupportedVersion)
{
    /// <summary>'M','S','S','1' read as a little-endian UINT32.</summary>
    public const uint ExpectedSignature = 0x3153534D;

    public const int MinimumSize = 16;

    public uint Signature { get; } = signature;

    public uint HeaderSize { get; } = headerSize;

    public uint FwVersion { get; } = fwVersion;

    public uint LowestSupportedVersion { get; } = lowestSupportedVersion;

    /// <summary>Reads from the bytes that run to the end of the update image (header + payload).</summary>
    public static CapsuleStatus TryRead(ReadOnlySpan<byte> region, out FmpPayloadHeader header)
    {
        header = default;
        if (region.Length < MinimumSize)
        {
            return CapsuleStatus.PayloadHeaderTruncated;
        }
        header = new FmpPayloadHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(region),
            BinaryPrimitives.ReadUInt32LittleEndian(region.Slice(4)),
            BinaryPrimitives.ReadUInt32LittleEndian(region.Slice(8)),
            BinaryPrimitives.ReadUInt32LittleEndian(region.Slice(12)));
        if (header.Signature != ExpectedSignature)
        {
            return CapsuleStatus.PayloadHeaderSignatureInvalid;
        }
        if (header.HeaderSize < MinimumSize || header.HeaderSize > (uint)region.Length)
        {
            return CapsuleStatus.PayloadHeaderSizeInvalid;
        }
        return CapsuleStatus.Ok;
    }
}
