namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>What an AGENT_REPORT says about the machine (docs/protocol.md §4.13).</summary>
public enum AgentState : byte
{
    /// <summary>Not a valid state: the default value is not a report.</summary>
    None = 0,
    /// <summary>The instruction was verified and acted on: boot entry, BootNext and settings written; the machine reboots now.</summary>
    Rebooting = 1,
    /// <summary>The instruction was verified but could not be carried out (reason in the report); nothing more happens.</summary>
    Failed = 2,
    /// <summary>The OS runs (sent at agent start): the firmware version now, and the last instruction it acted on.</summary>
    Running = 3,
}
