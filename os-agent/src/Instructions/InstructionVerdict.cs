using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Agent.Instructions;

/// <summary>What <see cref="InstructionVerifier"/> decided, with the reason for the log.</summary>
internal sealed class InstructionVerdict
{
    private InstructionVerdict(InstructionRejection rejection, string reason, InstructionMessage instruction, InstructionKey? key)
    {
        Rejection = rejection;
        Reason = reason;
        Instruction = instruction;
        Key = key;
    }

    public bool IsAccepted => Rejection == InstructionRejection.None;
    public InstructionRejection Rejection { get; }
    public string Reason { get; }

    /// <summary>The parsed instruction (default when it was malformed).</summary>
    public InstructionMessage Instruction { get; }

    /// <summary>The trusted key that signed it (null before the signature was checked).</summary>
    public InstructionKey? Key { get; }

    public static InstructionVerdict Accept(in InstructionMessage instruction, InstructionKey key)
        => new InstructionVerdict(InstructionRejection.None, "", instruction, key);

    public static InstructionVerdict Reject(InstructionRejection rejection, string reason, in InstructionMessage instruction = default, InstructionKey? key = null)
        => new InstructionVerdict(rejection, reason, instruction, key);
}
