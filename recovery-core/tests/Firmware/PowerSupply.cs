namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// A budget of state-changing units shared by the simulated flash and marker store: an erase, one byte
/// program (QEMU's pflash and OVMF's QemuFlashWrite program a write byte by byte, each reaching the vars
/// file on its own) and a marker write cost one unit each. When the budget runs out, the operation in
/// flight is cut where it stands and everything after it fails (the machine is off).
/// </summary>
internal sealed class PowerSupply
{
    private long _remaining;

    public PowerSupply(long units = long.MaxValue) => _remaining = units;

    public bool IsOff { get; private set; }

    public long UnitsUsed { get; private set; }

    /// <summary>
    /// Asks for <paramref name="units"/>; <paramref name="granted"/> of them complete. False when the power
    /// went off during this request or was already off (then <paramref name="granted"/> is what still completed).
    /// </summary>
    public bool TryConsume(int units, out int granted)
    {
        granted = 0;
        if (IsOff)
        {
            return false;
        }
        if (_remaining < units)
        {
            granted = (int)_remaining;
            UnitsUsed += granted;
            _remaining = 0;
            IsOff = true;
            return false;
        }
        _remaining -= units;
        UnitsUsed += units;
        granted = units;
        return true;
    }
}
