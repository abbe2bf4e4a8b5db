using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>The safe layer over EFI_CPU_IO2_PROTOCOL (PI 1.8 Vol. 5 §13.3): I/O port reads and writes.</summary>
public readonly unsafe struct UefiCpuIo
{
    private readonly CpuIo2Protocol* raw;

    private UefiCpuIo(CpuIo2Protocol* raw) => this.raw = raw;

    public bool IsAvailable => raw != null;

    /// <summary>The firmware's CPU I/O 2 protocol (LocateProtocol); unavailable when it has none.</summary>
    public static UefiCpuIo Locate(UefiBootServices boot) =>
        boot.LocateProtocol(out CpuIo2Protocol* cpuIo).IsSuccess ? new UefiCpuIo(cpuIo) : default;

    /// <summary>Io.Write of one 32-bit value to <paramref name="port"/>.</summary>
    public EfiResult WritePort32(ulong port, uint value)
    {
        if (raw == null)
            return EfiResult.From(EfiStatus.Unsupported);
        return EfiResult.From(raw->Io.Write(raw, CpuIoProtocolWidth.Uint32, port, 1, &value));
    }

    /// <summary>Io.Write of one byte to <paramref name="port"/>.</summary>
    public EfiResult WritePort8(ulong port, byte value)
    {
        if (raw == null)
            return EfiResult.From(EfiStatus.Unsupported);
        return EfiResult.From(raw->Io.Write(raw, CpuIoProtocolWidth.Uint8, port, 1, &value));
    }

    /// <summary>Io.Read of one byte from <paramref name="port"/>; FFh (a floating bus) when the read fails.</summary>
    public byte ReadPort8(ulong port)
    {
        byte value = 0xFF;
        if (raw == null || raw->Io.Read(raw, CpuIoProtocolWidth.Uint8, port, 1, &value).IsError)
            return 0xFF;
        return value;
    }
}
