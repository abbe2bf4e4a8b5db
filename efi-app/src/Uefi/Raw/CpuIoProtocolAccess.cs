namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_CPU_IO_PROTOCOL_ACCESS (PI 1.8 Vol. 5 §13.3): a Read and a Write function.</summary>
public unsafe struct CpuIoProtocolAccess
{
    /// <summary>(This, Width, Address, Count, Buffer).</summary>
    public delegate* unmanaged<CpuIo2Protocol*, CpuIoProtocolWidth, ulong, nuint, void*, EfiStatus> Read;

    /// <summary>(This, Width, Address, Count, Buffer).</summary>
    public delegate* unmanaged<CpuIo2Protocol*, CpuIoProtocolWidth, ulong, nuint, void*, EfiStatus> Write;
}
