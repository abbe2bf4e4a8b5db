namespace UefiRecovery.Core.Protocol.Instructions;

/// <summary>The printed name of each <see cref="InstructionCheckResult"/>: the agent's reason names (docs/protocol.md §4.11).</summary>
public static class InstructionCheckNames
{
    public static string Name(InstructionCheckResult result) => result switch
    {
        InstructionCheckResult.Valid => "Valid",
        InstructionCheckResult.Malformed => "Malformed",
        InstructionCheckResult.NoTrustedKeys => "NoTrustedKeys",
        InstructionCheckResult.UntrustedKey => "UntrustedKey",
        InstructionCheckResult.BadSignature => "BadSignature",
        InstructionCheckResult.OtherMachine => "OtherMachine",
        InstructionCheckResult.Expired => "Expired",
        InstructionCheckResult.Replayed => "Replayed",
        _ => "None",
    };
}
