namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>Attributes of OpenProtocol (UEFI 2.10 §7.3, EFI_OPEN_PROTOCOL_*). A bit set in the spec's UINT32.</summary>
public enum OpenProtocolAttributes : uint
{
    ByHandleProtocol = 0x01,
    GetProtocol = 0x02,
    TestProtocol = 0x04,
    ByChildController = 0x08,
    ByDriver = 0x10,
    Exclusive = 0x20,
}
