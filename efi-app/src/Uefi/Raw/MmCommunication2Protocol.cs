namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_MM_COMMUNICATION2_PROTOCOL (PI 1.7+): the same as <see cref="MmCommunicationProtocol"/> with a virtual buffer; only looked up.</summary>
public struct MmCommunication2Protocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0x378DAEDC, 0xF06B, 0x4446, 0x83, 0x14, 0x40, 0xAB, 0x93, 0x3C, 0x87, 0xA3);

    public nint Communicate;
}
