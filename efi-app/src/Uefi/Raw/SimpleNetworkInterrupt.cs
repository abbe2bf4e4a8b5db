namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>Interrupt status bits returned by GetStatus (UEFI 2.10 §24.1.10).</summary>
public static class SimpleNetworkInterrupt
{
    public const uint Receive = 0x01;
    public const uint Transmit = 0x02;
    public const uint Command = 0x04;
    public const uint Software = 0x08;
}
