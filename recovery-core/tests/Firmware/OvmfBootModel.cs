using System;
using UefiRecovery.Core.Firmware;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// What OVMF 2022.11's QemuFlashFvbServicesRuntimeDxe (InitializeVariableFvHeader) does at boot: if the
/// FV header fails ValidateFvHeader, or FvLength or BlockMap[0].Length differ from the build's values,
/// it erases every block and writes its template FV header (0x48 bytes). The template below is what
/// OVMF wrote into a vars file whose header checksum had been broken (seen 2026-11-21, QEMU 7.2): the
/// same GUID, length and block map as the shipped file, attributes 0x00040C36 instead of 0x0004FEFF.
/// The variable store header stays erased, and OVMF then faults (#GP) before the boot manager: the
/// machine no longer boots (<see cref="Bricks"/>).
/// </summary>
internal static class OvmfBootModel
{
    public static ReadOnlySpan<byte> TemplateHeader => Convert.FromHexString(
        "00000000000000000000000000000000" + "8D2BF1FF96768B4CA9852747075B4F50" + "0040080000000000"
        + "5F465648" + "360C0400" + "4800" + "78AB" + "0000" + "00" + "02" + "8400000000100000" + "0000000000000000");

    public static byte[] Apply(byte[] region)
    {
        byte[] copy = (byte[])region.Clone();
        if (HeaderAcceptedByOvmf(copy))
        {
            return copy;
        }
        copy.AsSpan().Fill(0xFF);
        TemplateHeader.CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// True when OVMF 2022.11 would not reach the boot manager with this region: its FV header is
    /// re-initialised (which leaves the store header erased) or its variable store header is invalid.
    /// Both were seen to end in a #GP before BdsDxe (docs/firmware-regions.md).
    /// </summary>
    public static bool Bricks(byte[] region)
    {
        if (!HeaderAcceptedByOvmf(region))
        {
            return true;
        }
        FvHeader.TryParse(region, out FvHeader header);
        return VariableStoreHeader.TryParse(region.AsSpan(header.HeaderLength), header.FvLength - header.HeaderLength, out _)
            != VariableStoreStatus.Valid;
    }

    private static bool HeaderAcceptedByOvmf(byte[] region) =>
        FvHeader.TryParse(region, out FvHeader header) == FvHeaderStatus.Valid && header.FvLength == 0x84000 && header.FirstBlockSize == 0x1000;
}
