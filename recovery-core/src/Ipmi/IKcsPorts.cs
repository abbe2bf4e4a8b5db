namespace UefiRecovery.Core.Ipmi;

/// <summary>
/// The two I/O registers of a KCS system interface (IPMI 2.0 §9.2): the data register at the base address
/// and the status (read) / command (write) register at base + spacing. The EFI app reaches them through
/// EFI_CPU_IO2_PROTOCOL; host tests through a model of the BMC side.
/// </summary>
public interface IKcsPorts
{
    byte ReadStatus();

    byte ReadData();

    void WriteCommand(byte value);

    void WriteData(byte value);

    /// <summary>Waits at least <paramref name="microseconds"/>: the clock of <see cref="KcsInterface"/>'s budgets.</summary>
    void Stall(int microseconds);
}
