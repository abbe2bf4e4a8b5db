using UefiRecovery.Core.Firmware;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>The recovery marker as a file on another medium (the ESP): a write is one power-budgeted operation.</summary>
internal sealed class SimulatedMarkerStore : IRecoveryMarkerStore
{
    private readonly PowerSupply _power;

    public SimulatedMarkerStore(PowerSupply power, RecoveryMarkerState initial = RecoveryMarkerState.Absent)
    {
        _power = power;
        State = initial;
    }

    public RecoveryMarkerState State { get; private set; }

    public bool FailWrites { get; set; }

    public RecoveryMarkerState Read() => State;

    public bool TryWrite(RecoveryMarkerState state)
    {
        if (FailWrites || !_power.TryConsume(1, out _))
        {
            return false;
        }
        State = state;
        return true;
    }
}
