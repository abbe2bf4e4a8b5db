namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_CPU_IO_PROTOCOL_WIDTH (PI 1.8 Vol. 5 §13.3).</summary>
public enum CpuIoProtocolWidth : uint
{
    Uint8 = 0,
    Uint16 = 1,
    Uint32 = 2,
    Uint64 = 3,
    FifoUint8 = 4,
    FifoUint16 = 5,
    FifoUint32 = 6,
    FifoUint64 = 7,
    FillUint8 = 8,
    FillUint16 = 9,
    FillUint32 = 10,
    FillUint64 = 11,
    Maximum = 12,
}
