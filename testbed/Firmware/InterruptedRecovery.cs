using System;
using System.Text;
using UefiRecovery.Testbed.Esp;

namespace UefiRecovery.Testbed.Firmware;

/// <summary>
/// The one definition of the "interrupted recovery" a machine can meet in OVMF, used by the qemu-tests
/// and the demo: the region holds the payload except one FTW spare block not yet rewritten (4 KiB of
/// garbage at 0x60000), and the ESP marker says in-progress. The headers are NOT damaged: OVMF 2022.11
/// faults before the boot manager on a broken FV or variable-store header, so no app could run on it
/// (docs/firmware-regions.md); this is the damage the app's validity rule detects.
/// </summary>
public static class InterruptedRecovery
{
    /// <summary>4 KiB of garbage in the FTW spare area (block 96 of OVMF's 4 MiB vars): damage OVMF tolerates.</summary>
    public const int GarbageOffset = 0x60000;
    public const int GarbageLength = 0x1000;

    /// <summary>The ESP marker file an interrupted recovery leaves (efi-app/src/Firmware/EspMarkerStore.cs).</summary>
    public const string MarkerPath = "UEFIRECOVERY-NV.MARKER";
    public const string MarkerInProgress = "UEFIRECOVERY-NV-MARKER v1 INPRG\n";

    /// <summary>False when <paramref name="payload"/> is too short to hold the damaged block.</summary>
    public static bool CanDamage(byte[] payload) => payload.Length >= GarbageOffset + GarbageLength;

    /// <summary>A copy of <paramref name="payload"/> with the FTW spare block overwritten (a fixed pattern, never the original bytes).</summary>
    public static byte[] DamageRegion(byte[] payload)
    {
        if (!CanDamage(payload))
        {
            throw new ArgumentException($"the region image is {payload.Length} bytes, too short for the damage at 0x{GarbageOffset:X}", nameof(payload));
        }
        byte[] vars = (byte[])payload.Clone();
        for (int i = 0; i < GarbageLength; i++)
        {
            vars[GarbageOffset + i] = (byte)(0xA5 ^ i);
        }
        return vars;
    }

    /// <summary>Adds the in-progress marker to an ESP being built.</summary>
    public static EspBuilder WithInProgressMarker(this EspBuilder builder) =>
        builder.WithFile(MarkerPath, Encoding.ASCII.GetBytes(MarkerInProgress));
}
