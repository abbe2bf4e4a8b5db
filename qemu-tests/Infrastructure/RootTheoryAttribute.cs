using UefiRecovery.Testbed.Network;
using Xunit;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>A theory that needs network namespaces / tap devices; skipped with the reason when not root.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        string? reason = NetworkNamespace.UnavailableReason();
        if (reason != null)
        {
            Skip = reason;
        }
    }
}
