namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_TIME_CAPABILITIES (UEFI 2.10 §8.3, GetTime). SetsToZero is a BOOLEAN.</summary>
public struct TimeCapabilities
{
    public uint Resolution;
    public uint Accuracy;
    public byte SetsToZero;
}
