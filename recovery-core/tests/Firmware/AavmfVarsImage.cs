using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Firmware;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// The first 0xC0000 bytes of an AAVMF 2022.11 variable flash as its NorFlashDxe formats it on first boot (read off a
/// booted QEMU virt copy of AAVMF_VARS.fd; docs/firmware-regions.md): FV header with FvLength 0xC0000, attributes
/// 0xE36, a block map of 256 × 0x40000 (the whole 64 MiB device), then the authenticated variable store header
/// (size 0x3FFB8, formatted, healthy), everything else erased.
/// </summary>
internal static class AavmfVarsImage
{
    public const int Length = 0xC0000;
    public const int BlockSize = 0x40000;

    public static byte[] Fresh(uint mapBlocks = 256, uint mapBlockSize = BlockSize, ulong fvLength = Length)
    {
        byte[] image = new byte[Length];
        image.AsSpan().Fill(0xFF);
        Span<byte> header = image.AsSpan(0, 72);
        header.Slice(0, 16).Clear();
        RegionTarget.SystemNvDataFvGuid.TryWrite(header.Slice(16));
        BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(32), fvLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(40), FvHeader.Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(44), 0x00000E36);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(48), 72);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(50), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(52), 0);
        header[54] = 0;
        header[55] = FvHeader.Revision;
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(56), mapBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(60), mapBlockSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(64), 0);
        OvmfVarsImage.FixChecksum(image);

        Span<byte> store = image.AsSpan(72, VariableStoreHeader.Length);
        VariableStoreHeader.AuthenticatedVariableGuid.TryWrite(store);
        BinaryPrimitives.WriteUInt32LittleEndian(store.Slice(16), 0x3FFB8);
        store[20] = VariableStoreHeader.FormatFormatted;
        store[21] = VariableStoreHeader.StateHealthy;
        store.Slice(22, 6).Clear();
        return image;
    }
}
