namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// A budget of state-changing operations shared by the simulated flash and marker store: when it runs
/// out, the operation in flight is cut off half-done and everything after it fails (the machine is off).
/// </summary>
internal sealed class PowerSupply
{
    private int _remaining;

    public PowerSupply(int operations = int.MaxValue) => _remaining = operations;

    public bool IsOff { get; private set; }

    public int OperationsUsed { get; private set; }

    /// <summary>True: the operation completes. False: it is interrupted now (first time) or the power is already off.</summary>
    public bool TryConsume(out bool interruptedNow)
    {
        interruptedNow = false;
        if (IsOff)
        {
            return false;
        }
        if (_remaining == 0)
        {
            IsOff = true;
            interruptedNow = true;
            return false;
        }
        _remaining--;
        OperationsUsed++;
        return true;
    }
}
