using System;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>Thrown by a target when two answers of the code under test contradict each other (a logic bug, not a crash).</summary>
public sealed class InvariantViolation : Exception
{
    public InvariantViolation(string message) : base(message) { }

    public static void Check(bool condition, string message)
    {
        if (!condition) throw new InvariantViolation(message);
    }
}
