using System.Collections.Generic;
using UefiRecovery.QemuTests.Recovery;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>The one builder of the manager's <c>serve</c> command line in the end-to-end tests (<see cref="ServeArguments"/>).</summary>
public sealed class ServeArgumentsTests
{
    [Fact]
    public void ToList_LabDefaults_BroadcastTestKeyPacedNoStatusNoLiveView()
    {
        List<string> arguments = E2eRecoveryLab.Serve("/run/images", "/run/results.jsonl", gatherSeconds: 1).ToList();

        Assert.Equal(new[]
        {
            "serve", "--images", "/run/images", "--listen", "10.216.0.1:40123", "--delivery", "broadcast", "--destination", "10.216.0.255",
            "--trusted-key-hash", RecoveryManager.TestKeyHash, "--results", "/run/results.jsonl", "--status-http", "off", "--live", "false",
            "--rate", "20", "--client-timeout", "300", "--gather", "1", "--name", "e2e-test",
        }, arguments);
    }

    /// <summary>Rows: what a test varies, and the run of the command line that must then stand in it, in this order.</summary>
    [Theory]
    [InlineData("multicast", "--delivery multicast --destination 239.255.40.124 --ttl 1 --trusted-key-hash")]
    [InlineData("unicast", "--delivery unicast --trusted-key-hash")]
    [InlineData("trust", "--destination 10.216.0.255 --trusted /v/root.cer --results")]
    [InlineData("figures", "--rate 0 --client-timeout 300 --gather 0.5 --name")]
    [InlineData("no-gather", "--client-timeout 300 --name e2e-test")]
    [InlineData("signed", "--name e2e-test --signing-key /k.pem")]
    [InlineData("rogue", "--listen 0.0.0.0:40123 --delivery broadcast --destination 10.216.0.255 --trusted-key-hash")]
    public void ToList_OneOptionChanged_OnlyThatPartOfTheCommandLineChanges(string variation, string expectedRun)
    {
        ServeArguments serve = Variation(variation);

        List<string> arguments = serve.ToList();

        string line = string.Join(" ", arguments);
        Assert.True((" " + line + " ").Contains(" " + expectedRun + " ", System.StringComparison.Ordinal), variation + ": '" + expectedRun + "' not in '" + line + "'");
        Assert.Equal(serve.Destination == null ? 0 : 1, Count(arguments, "--destination"));
        Assert.Equal(serve.TrustedKeyHashes.Count, Count(arguments, "--trusted-key-hash"));
        Assert.Equal(serve.InsecureServeUnverified ? 1 : 0, Count(arguments, "--insecure-serve-unverified"));
        Assert.Equal("serve", arguments[0]);
    }

    private static ServeArguments Variation(string name)
    {
        ServeArguments lab = E2eRecoveryLab.Serve("/i", "/r", gatherSeconds: 1);
        return name switch
        {
            "multicast" => lab with { Delivery = "multicast", Destination = "239.255.40.124", MulticastTtl = 1 },
            "unicast" => lab with { Delivery = "unicast", Destination = null },
            "trust" => lab with { TrustedKeyHashes = new string[0], TrustedFiles = new[] { "/v/root.cer" } },
            "figures" => lab with { RateMbit = 0, GatherSeconds = 0.5 },
            "no-gather" => lab with { GatherSeconds = null },
            "signed" => lab with { SigningKey = "/k.pem" },
            "rogue" => lab with { Listen = "0.0.0.0:40123", InsecureServeUnverified = true },
            _ => throw new System.ArgumentOutOfRangeException(nameof(name), name, "unknown variation"),
        };
    }

    private static int Count(List<string> arguments, string option) => arguments.FindAll(a => a == option).Count;
}
