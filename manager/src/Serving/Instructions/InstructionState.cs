namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>
/// Where a manager-initiated recovery stands (docs/operating.md §8.8). The order is the order of its life:
/// a state only ever moves to a later one; <see cref="Done"/> and <see cref="Failed"/> end it.
/// </summary>
public enum InstructionState
{
    /// <summary>Signed and sent to the agent (again every 2 s) until it reports.</summary>
    Sent,
    /// <summary>The agent reported it is rebooting into recovery (AGENT_REPORT rebooting).</summary>
    Acknowledged,
    /// <summary>The recovery app booted and sent READINESS with this instruction's id, MAC and UUID.</summary>
    Ready,
    /// <summary>The machine asks for or takes its image (a REQUEST or ACCEPT from its MAC).</summary>
    Receiving,
    /// <summary>The machine reported a successful write (RESULT success from its MAC).</summary>
    Written,
    /// <summary>Its OS is back (AGENT_REPORT running with this instruction's id).</summary>
    Done,
    /// <summary>The agent or the write failed, or a step timed out.</summary>
    Failed,
}
