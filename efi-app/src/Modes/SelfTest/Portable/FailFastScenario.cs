namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>The deliberately failing checks: each must end the program with its fail-fast kind.</summary>
public enum FailFastScenario
{
    None,
    Bounds,
    Null,
    Overflow,
    DivideByZero,
    InvalidCast,
    ArrayStore,
    FailFast,
    OutOfMemory,
}
