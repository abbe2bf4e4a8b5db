namespace Internal.Runtime;

/// <summary>Why the runtime stopped. The name is printed verbatim after "FAILFAST: " (see README, "Self-test protocol").</summary>
internal enum FailFastKind
{
    Explicit,
    IndexOutOfRange,
    NullReference,
    Overflow,
    DivideByZero,
    InvalidCast,
    ArrayTypeMismatch,
    OutOfMemory,
    Argument,
    ArgumentOutOfRange,
    NotSupported,
    UnhandledThrow,
    InvalidProgram,
    CpuException,
}
