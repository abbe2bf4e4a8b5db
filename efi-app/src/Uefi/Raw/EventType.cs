namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>Event types for CreateEvent (UEFI 2.10 §7.1).</summary>
public static class EventType
{
    public const uint Timer = 0x8000_0000;
    public const uint Runtime = 0x4000_0000;
    public const uint NotifyWait = 0x0000_0100;
    public const uint NotifySignal = 0x0000_0200;
    public const uint SignalExitBootServices = 0x0000_0201;
    public const uint SignalVirtualAddressChange = 0x6000_0202;
}
