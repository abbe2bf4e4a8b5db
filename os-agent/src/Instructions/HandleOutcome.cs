using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Agent.Instructions;

/// <summary>What one datagram led to: its verdict and, for an accepted instruction, what was done.</summary>
internal sealed class HandleOutcome
{
    public HandleOutcome(InstructionVerdict verdict, AgentFailure failure, ushort bootEntry, bool entryCreated, bool rebooted)
    {
        Verdict = verdict;
        Failure = failure;
        BootEntry = bootEntry;
        EntryCreated = entryCreated;
        Rebooted = rebooted;
    }

    public InstructionVerdict Verdict { get; }
    public AgentFailure Failure { get; }
    public ushort BootEntry { get; }
    public bool EntryCreated { get; }
    public bool Rebooted { get; }
}
