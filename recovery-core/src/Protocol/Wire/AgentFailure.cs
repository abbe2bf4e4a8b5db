namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>Why an agent could not carry out a verified instruction (AGENT_REPORT, docs/protocol.md §4.13).</summary>
public enum AgentFailure : ushort
{
    None = 0,
    /// <summary>No efivarfs (not booted through UEFI, or not mounted): no boot entry or setting can be written.</summary>
    NoEfivarfs = 1,
    /// <summary>The ESP holding the recovery app was not found, or its GPT entry could not be read.</summary>
    NoEspPartition = 2,
    /// <summary>Writing the Boot#### load option failed.</summary>
    BootEntryWriteFailed = 3,
    /// <summary>Writing BootNext failed.</summary>
    BootNextWriteFailed = 4,
    /// <summary>Writing the UefiRecoveryConfig variable failed.</summary>
    ConfigWriteFailed = 5,
    /// <summary>No free Boot#### number (all 65,536 used).</summary>
    NoFreeBootNumber = 6,
    /// <summary>The reboot itself failed.</summary>
    RebootFailed = 7,
    /// <summary>Anything else (the agent's log says what).</summary>
    Other = 0xFFFF,
}
