using System.Diagnostics.CodeAnalysis;

namespace Internal.Runtime;

/// <summary>Where the shim's own code would throw in .NET. Each is a fail-fast with .NET's message.</summary>
internal static class ThrowHelpers
{
    [DoesNotReturn]
    internal static void ThrowIndexOutOfRangeException() => FailFastCore.Stop(FailFastKind.IndexOutOfRange, null);

    [DoesNotReturn]
    internal static void ThrowArgumentOutOfRangeException() => FailFastCore.Stop(FailFastKind.ArgumentOutOfRange, null);

    [DoesNotReturn]
    internal static void ThrowArgumentException() => FailFastCore.Stop(FailFastKind.Argument, null);

    [DoesNotReturn]
    internal static void ThrowArrayTypeMismatchException() => FailFastCore.Stop(FailFastKind.ArrayTypeMismatch, null);

    [DoesNotReturn]
    internal static void ThrowOverflowException() => FailFastCore.Stop(FailFastKind.Overflow, null);

    [DoesNotReturn]
    internal static void ThrowNullReferenceException() => FailFastCore.Stop(FailFastKind.NullReference, null);
}
