namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_MM_COMMUNICATION_PROTOCOL (PI 1.8 Vol. 4 §6.3; the SMM Communication protocol of earlier PI versions): how DXE
/// talks to handlers in SMM. Only looked up, never called: its presence tells why no FVB in DXE carries the variable
/// store (an SMM build keeps the store's FVB inside SMM).
/// </summary>
public struct MmCommunicationProtocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0xC68ED8E2, 0x9DC6, 0x4CBD, 0x9D, 0x94, 0xDB, 0x65, 0xAC, 0xC5, 0xC3, 0x32);

    public nint Communicate;
}
