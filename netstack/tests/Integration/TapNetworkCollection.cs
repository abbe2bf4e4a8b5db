using Xunit;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>Namespace tests run one after another: each is quick, and the machine is shared.</summary>
    [CollectionDefinition("TapNetwork", DisableParallelization = true)]
    public sealed class TapNetworkCollection
    {
    }
}
