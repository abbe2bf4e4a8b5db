namespace UefiRecovery.Efi.Uefi;

/// <summary>EFI_TIME (UEFI 2.10 §8.3, GetTime).</summary>
public struct Time
{
    /// <summary>TimeZone value meaning "local time, offset unknown".</summary>
    public const short UnspecifiedTimezone = 0x07FF;

    public ushort Year;
    public byte Month;
    public byte Day;
    public byte Hour;
    public byte Minute;
    public byte Second;
    public byte Pad1;
    public uint Nanosecond;
    public short TimeZone;
    public byte Daylight;
    public byte Pad2;
}
