using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>Tests that share <see cref="FakeFirmware"/>'s static state run one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FakeFirmwareCollection
{
    public const string Name = "FakeFirmware";
}
