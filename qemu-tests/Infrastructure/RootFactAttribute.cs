using UefiRecovery.Testbed.Network;
using Xunit;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>
/// A fact that needs network namespaces / tap devices. Without root it is reported as SKIPPED with
/// the reason, never as passed.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        string? reason = NetworkNamespace.UnavailableReason();
        if (reason != null)
        {
            Skip = reason;
        }
    }
}
