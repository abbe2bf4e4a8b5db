namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_CPU_IO2_PROTOCOL (PI 1.8 Vol. 5 §13.3): memory and I/O port access. Used to write QEMU's
/// isa-debug-exit port, which ends the VM with exit code (value &lt;&lt; 1) | 1.
/// Calling convention: Microsoft x64 (see <see cref="BootServices"/>).
/// </summary>
public struct CpuIo2Protocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0xAD61F191, 0xAE5F, 0x4C0E, 0xB9, 0xFA, 0xE8, 0x69, 0xD2, 0x88, 0xC6, 0x4F);

    public CpuIoProtocolAccess Mem;
    public CpuIoProtocolAccess Io;
}
