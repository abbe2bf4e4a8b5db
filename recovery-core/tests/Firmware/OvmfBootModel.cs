using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Firmware;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// What Debian's OVMF 2022.11 (RELEASE, non-SMM OVMF_CODE_4M.fd) does at boot with the NV region, written
/// from edk2-stable202211's sources and checked against crafted vars files in QEMU (docs/firmware-regions.md):
/// 1. QemuFlashFvbServicesRuntimeDxe (APRIORI DXE) InitializeVariableFvHeader: if ValidateFvHeader fails
///    (Revision 2, "_FVH", FvLength not ~0, HeaderLength even, 16-bit sum over HeaderLength 0) or FvLength
///    or BlockMap[0].Length differ from the build's, it erases ALL blocks (FTW working block and spare
///    included) and writes its template FV header only (<see cref="Apply"/>).
/// 2. VariableRuntimeDxe InitRealNonVolatileVariableStore: "_FVH" and EFI_SYSTEM_NV_DATA_FV_GUID, then
///    GetVariableStoreStatus at HeaderLength: signature gEfiAuthenticatedVariableGuid or gEfiVariableGuid,
///    Format 5Ah, State FEh (Size is only ASSERTed, compiled out in RELEASE). Otherwise
///    VariableCommonInitialize frees its global and fails, VariableServiceInitialize goes on (ASSERT compiled
///    out) and the next GetVariable uses the freed global: #GP before the boot manager (<see cref="Bricks"/>).
/// The template below is what OVMF wrote into a vars file whose header checksum had been broken (seen
/// 2026-11-21, QEMU 7.2): attributes 0x00040C36 instead of the shipped file's 0x0004FEFF.
/// </summary>
internal static class OvmfBootModel
{
    private const ulong NvFvLength = 0x84000;
    private const uint BlockSize = 0x1000;

    public static ReadOnlySpan<byte> TemplateHeader => Convert.FromHexString(
        "00000000000000000000000000000000" + "8D2BF1FF96768B4CA9852747075B4F50" + "0040080000000000"
        + "5F465648" + "360C0400" + "4800" + "78AB" + "0000" + "00" + "02" + "8400000000100000" + "0000000000000000");

    private static readonly EfiGuid AuthenticatedVariableGuid = new(0xAAF32C78, 0x947B, 0x439A, 0xA1, 0x80, 0x2E, 0x14, 0x4E, 0xC3, 0x77, 0x92);
    private static readonly EfiGuid VariableGuid = new(0xDDCF3616, 0x3275, 0x4164, 0x98, 0xB6, 0xFE, 0x85, 0x70, 0x7F, 0xFE, 0x7D);

    public static byte[] Apply(byte[] region)
    {
        byte[] copy = (byte[])region.Clone();
        if (FvbDriverAcceptsHeader(copy))
        {
            return copy;
        }
        copy.AsSpan().Fill(0xFF);
        TemplateHeader.CopyTo(copy);
        return copy;
    }

    /// <summary>True when OVMF 2022.11 would not reach the boot manager with this region (see the class summary).</summary>
    public static bool Bricks(byte[] region)
    {
        byte[] seen = Apply(region);
        if (BinaryPrimitives.ReadUInt32LittleEndian(seen.AsSpan(0x28)) != 0x4856465F
            || !EfiGuid.TryRead(seen.AsSpan(0x10), out EfiGuid fileSystem) || !fileSystem.Equals(RegionTarget.SystemNvDataFvGuid))
        {
            return true;
        }
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(seen.AsSpan(0x30));
        ReadOnlySpan<byte> store = seen.AsSpan(headerLength);
        EfiGuid.TryRead(store, out EfiGuid signature);
        bool signatureOk = signature.Equals(AuthenticatedVariableGuid) || signature.Equals(VariableGuid);
        return !(signatureOk && store[20] == 0x5A && store[21] == 0xFE);
    }

    // ValidateFvHeader plus InitializeVariableFvHeader's length and block-size checks.
    private static bool FvbDriverAcceptsHeader(byte[] region)
    {
        ReadOnlySpan<byte> h = region;
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(h.Slice(0x30));
        if (h[0x37] != 2 || BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(0x28)) != 0x4856465F
            || BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(0x20)) == ulong.MaxValue || (headerLength & 1) != 0
            || FvHeader.Sum16(h.Slice(0, headerLength)) != 0)
        {
            return false;
        }
        return BinaryPrimitives.ReadUInt64LittleEndian(h.Slice(0x20)) == NvFvLength
            && BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(0x3C)) == BlockSize;
    }
}
