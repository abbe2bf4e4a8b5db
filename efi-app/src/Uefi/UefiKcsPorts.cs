#if PORTABLE_CORE
using UefiRecovery.Core.Ipmi;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// A KCS interface's two registers in I/O space, reached through EFI_CPU_IO2_PROTOCOL (<see cref="UefiCpuIo"/>):
/// data at the base address, status/command one register spacing above (IPMI 2.0 §9.2, SMBIOS type 38).
/// Stalls are the firmware's Stall, which waits at least what it is asked.
/// </summary>
public sealed class UefiKcsPorts : IKcsPorts
{
    private readonly UefiCpuIo _cpuIo;
    private readonly UefiBootServices _boot;
    private readonly ulong _dataPort;
    private readonly ulong _statusPort;

    public UefiKcsPorts(UefiCpuIo cpuIo, UefiBootServices boot, ulong baseAddress, int registerSpacing)
    {
        _cpuIo = cpuIo;
        _boot = boot;
        _dataPort = baseAddress;
        _statusPort = baseAddress + (ulong)registerSpacing;
    }

    public byte ReadStatus() => _cpuIo.ReadPort8(_statusPort);

    public byte ReadData() => _cpuIo.ReadPort8(_dataPort);

    public void WriteCommand(byte value) => _cpuIo.WritePort8(_statusPort, value);

    public void WriteData(byte value) => _cpuIo.WritePort8(_dataPort, value);

    public void Stall(int microseconds) => _boot.Stall((nuint)microseconds);
}
#endif
