using System;
using System.Diagnostics.CodeAnalysis;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// The throw helpers ILC binds by name (JIT helpers such as range-check failure, overflow and
/// division by zero). On EFI every one of them is a fail-fast that prints .NET's message.
/// </summary>
internal static class ThrowHelpers
{
    [DoesNotReturn]
    private static void ThrowOverflowException() => FailFastCore.Stop(FailFastKind.Overflow, null);

    [DoesNotReturn]
    private static void ThrowIndexOutOfRangeException() => FailFastCore.Stop(FailFastKind.IndexOutOfRange, null);

    [DoesNotReturn]
    private static void ThrowNullReferenceException() => FailFastCore.Stop(FailFastKind.NullReference, null);

    [DoesNotReturn]
    private static void ThrowDivideByZeroException() => FailFastCore.Stop(FailFastKind.DivideByZero, null);

    [DoesNotReturn]
    private static void ThrowArrayTypeMismatchException() => FailFastCore.Stop(FailFastKind.ArrayTypeMismatch, null);

    [DoesNotReturn]
    private static void ThrowPlatformNotSupportedException() => FailFastCore.Stop(FailFastKind.NotSupported, "Operation is not supported on this platform.");

    [DoesNotReturn]
    private static void ThrowTypeLoadException() => FailFastCore.Stop(FailFastKind.InvalidProgram, "Type load failure (compiled as a throwing stub by ILC).");

    [DoesNotReturn]
    private static void ThrowTypeLoadExceptionWithArgument(int id, string? className, string? typeName) => ThrowTypeLoadException();

    [DoesNotReturn]
    private static void ThrowMissingMethodException() => FailFastCore.Stop(FailFastKind.InvalidProgram, "Missing method (compiled as a throwing stub by ILC).");

    [DoesNotReturn]
    private static void ThrowMissingFieldException() => FailFastCore.Stop(FailFastKind.InvalidProgram, "Missing field (compiled as a throwing stub by ILC).");

    [DoesNotReturn]
    private static void ThrowFileNotFoundException() => FailFastCore.Stop(FailFastKind.InvalidProgram, "Missing assembly (compiled as a throwing stub by ILC).");

    [DoesNotReturn]
    private static void ThrowInvalidProgramException() => FailFastCore.Stop(FailFastKind.InvalidProgram, "Common Language Runtime detected an invalid program.");

    [DoesNotReturn]
    private static void ThrowInvalidProgramExceptionWithArgument(int id, string? methodName) => ThrowInvalidProgramException();

    [DoesNotReturn]
    private static void ThrowBadImageFormatException() => FailFastCore.Stop(FailFastKind.InvalidProgram, "Bad image format.");

    [DoesNotReturn]
    private static void ThrowMarshalDirectiveException() => FailFastCore.Stop(FailFastKind.InvalidProgram, "Marshalling directive not supported.");

    [DoesNotReturn]
    private static void ThrowAmbiguousMatchException() => FailFastCore.Stop(FailFastKind.InvalidProgram, "Ambiguous match.");

    [DoesNotReturn]
    private static void ThrowNotSupportedException() => FailFastCore.Stop(FailFastKind.NotSupported, null);

    [DoesNotReturn]
    private static void ThrowArgumentException() => FailFastCore.Stop(FailFastKind.Argument, null);

    [DoesNotReturn]
    private static void ThrowArgumentOutOfRangeException() => FailFastCore.Stop(FailFastKind.ArgumentOutOfRange, null);

    [DoesNotReturn]
    private static void ThrowFeatureBodyRemoved() => FailFastCore.Stop(FailFastKind.InvalidProgram, "A method body removed by a feature switch was called.");

    [DoesNotReturn]
    private static void ThrowInvalidCastException() => FailFastCore.Stop(FailFastKind.InvalidCast, null);
}
