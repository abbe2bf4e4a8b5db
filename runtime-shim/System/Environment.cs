using System.Diagnostics.CodeAnalysis;
using Internal.Runtime;

namespace System;

public static class Environment
{
    /// <summary>
    /// Prints <c>FAILFAST: &lt;message&gt;</c> on the console and stops the machine (see runtime-shim/README.md).
    /// Portable code uses it for impossible states only.
    /// </summary>
    [DoesNotReturn]
    public static void FailFast(string? message) => FailFastCore.Stop(FailFastKind.Explicit, message);
}
