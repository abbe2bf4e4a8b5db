using System;
using Xunit;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>A fact about a Linux-only part (sendmmsg): elsewhere it is reported as SKIPPED with the reason, never as passed.</summary>
public sealed class LinuxOnlyFactAttribute : FactAttribute
{
    public LinuxOnlyFactAttribute(string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = reason;
        }
    }
}
