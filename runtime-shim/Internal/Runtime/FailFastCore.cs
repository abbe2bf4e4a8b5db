using System;
using System.Diagnostics.CodeAnalysis;

namespace Internal.Runtime;

/// <summary>
/// The single exit for every runtime error: prints one line <c>FAILFAST: &lt;Kind&gt;: &lt;detail&gt;</c> on
/// ConOut (which QEMU -nographic puts on serial), then stops the machine through <see cref="MachineExit"/>
/// with code <see cref="MachineExit.FailFastCode"/>. There are no exceptions on EFI: every error the JIT or
/// the shim would turn into an exception ends here.
/// </summary>
internal static unsafe class FailFastCore
{
    private static bool s_stopping;

    [DoesNotReturn]
    internal static void Stop(FailFastKind kind, ReadOnlySpan<char> detail) => Stop(kind, detail, 0, false);

    /// <summary>An empty detail prints .NET's message for the kind.</summary>
    [DoesNotReturn]
    internal static void Stop(FailFastKind kind, string? detail) => Stop(kind, (ReadOnlySpan<char>)detail, 0, false);

    [DoesNotReturn]
    internal static void Stop(FailFastKind kind, string? detail, ulong number) => Stop(kind, (ReadOnlySpan<char>)detail, number, true);

    /// <summary>Stops with a detail followed by a hexadecimal number (an address, a size or a type).</summary>
    [DoesNotReturn]
    internal static void Stop(FailFastKind kind, ReadOnlySpan<char> detail, ulong number) => Stop(kind, detail, number, true);

    [DoesNotReturn]
    private static void Stop(FailFastKind kind, ReadOnlySpan<char> detail, ulong number, bool hasNumber)
    {
        // A fault while reporting a fault (say, a broken console) must not loop: skip straight to the stop.
        if (!s_stopping)
        {
            s_stopping = true;
            Span<char> line = stackalloc char[256];
            LineWriter w = new LineWriter(line);
            w.Append("FAILFAST: ");
            w.Append(KindName(kind));
            w.Append(": ");
            w.Append(detail.IsEmpty ? DefaultDetail(kind) : detail);
            if (hasNumber)
            {
                w.Append(" 0x");
                w.AppendHex(number);
            }
            w.EndLine();
            EfiConsole.Write(w.Written);
        }
        MachineExit.Stop(MachineExit.FailFastCode);
    }

    // Names are spelled out (no reflection over enum names in the shim).
    private static string KindName(FailFastKind kind) => kind switch
    {
        FailFastKind.Explicit => "FailFast",
        FailFastKind.IndexOutOfRange => "IndexOutOfRange",
        FailFastKind.NullReference => "NullReference",
        FailFastKind.Overflow => "Overflow",
        FailFastKind.DivideByZero => "DivideByZero",
        FailFastKind.InvalidCast => "InvalidCast",
        FailFastKind.ArrayTypeMismatch => "ArrayTypeMismatch",
        FailFastKind.OutOfMemory => "OutOfMemory",
        FailFastKind.Argument => "Argument",
        FailFastKind.ArgumentOutOfRange => "ArgumentOutOfRange",
        FailFastKind.NotSupported => "NotSupported",
        FailFastKind.UnhandledThrow => "UnhandledThrow",
        FailFastKind.InvalidProgram => "InvalidProgram",
        FailFastKind.CpuException => "CpuException",
        _ => "Unknown",
    };

    // .NET's own exception messages, so a log line reads the same as on the host.
    private static string DefaultDetail(FailFastKind kind) => kind switch
    {
        FailFastKind.IndexOutOfRange => "Index was outside the bounds of the array.",
        FailFastKind.NullReference => "Object reference not set to an instance of an object.",
        FailFastKind.Overflow => "Arithmetic operation resulted in an overflow.",
        FailFastKind.DivideByZero => "Attempted to divide by zero.",
        FailFastKind.InvalidCast => "Specified cast is not valid.",
        FailFastKind.ArrayTypeMismatch => "Attempted to access an element as a type incompatible with the array.",
        FailFastKind.OutOfMemory => "Insufficient memory to continue the execution of the program.",
        FailFastKind.Argument => "Value does not fall within the expected range.",
        FailFastKind.ArgumentOutOfRange => "Specified argument was out of the range of valid values.",
        FailFastKind.NotSupported => "Specified method is not supported.",
        _ => "(no message)",
    };
}
