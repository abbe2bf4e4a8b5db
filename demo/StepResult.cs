namespace UefiRecovery.Demo;

/// <summary>A step's outcome: ok with a one-line summary, or failed with the reason.</summary>
public readonly record struct StepResult(bool Succeeded, string Summary)
{
    public static StepResult Ok(string summary) => new(true, summary);

    public static StepResult Failed(string reason) => new(false, reason);
}
