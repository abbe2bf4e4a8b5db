namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_OPEN_PROTOCOL_INFORMATION_ENTRY (UEFI 2.10 §7.3, OpenProtocolInformation).</summary>
public unsafe struct OpenProtocolInformationEntry
{
    public void* AgentHandle;
    public void* ControllerHandle;
    public OpenProtocolAttributes Attributes;
    public uint OpenCount;
}
