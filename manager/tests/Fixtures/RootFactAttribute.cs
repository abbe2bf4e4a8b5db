using System;
using Xunit;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>A fact that needs root (network namespaces): reported as SKIPPED with the reason otherwise, never as passed.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess) Skip = "needs root on Linux (ip netns)";
    }
}
