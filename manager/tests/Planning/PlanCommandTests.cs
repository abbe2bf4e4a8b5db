using System;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Planning;

/// <summary>`plan` through the real manager process: its figures as text and as JSON, and its usage errors.</summary>
public sealed class PlanCommandTests
{
    private static readonly string[] Small = { "plan", "--machines", "5", "--image", "256KiB", "--rate", "1000", "--loss", "2%", "--seed", "3" };

    [Fact]
    public async Task Text_TheFiguresTheIssueAsksFor()
    {
        var run = await ManagerCli.RunAsync(Small, timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("plan: 5 machine(s), image 262144 bytes, rate 1000 Mbit/s", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"expected time:\s+\d+\.\d{3} s \(boot \.\. last RESULT acknowledged\)", run.Stdout);
        Assert.Matches(@"bytes on the wire:\s+\d+\.\d{3} x image", run.Stdout);
        Assert.Matches(@"rounds:\s+\d+ repair pass\(es\), \d+ status round\(s\)", run.Stdout);
        Assert.Matches(@"STATUS per round:\s+max \d+, mean \d+\.\d", run.Stdout);
        Assert.Contains("recovered:          5/5", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("not modelled:", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_OneDocumentWithTheSameFiguresForTheSameSeed()
    {
        var first = await ManagerCli.RunAsync(Small.Append("--json"), timeout: TimeSpan.FromMinutes(2));
        var second = await ManagerCli.RunAsync(Small.Append("--json"), timeout: TimeSpan.FromMinutes(2));

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        using JsonDocument a = JsonDocument.Parse(first.Stdout);
        using JsonDocument b = JsonDocument.Parse(second.Stdout);
        JsonElement figures = a.RootElement.GetProperty("figures");
        Assert.Equal(5, figures.GetProperty("recovered").GetInt32());
        Assert.True(figures.GetProperty("seconds").GetDouble() > 0);
        foreach (string field in new[] { "seconds", "sentPerImage", "repairRounds", "statusPerRoundMax", "statusPerRoundMean", "linkLossesTowardMachines" })
            Assert.Equal(figures.GetProperty(field).GetRawText(), b.RootElement.GetProperty("figures").GetProperty(field).GetRawText());
    }

    [Fact]
    public async Task FecProactiveAuto_TheShareForTheseMachinesIsUsedAndSaid()
    {
        var run = await ManagerCli.RunAsync(Small.Concat(new[] { "--fec", "true", "--fec-proactive", "auto" }).ToArray(), timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("FEC on, proactive parity for the fleet", run.Stdout, StringComparison.Ordinal);
        // 5 machines, 3 blocks, 2 % loss: 5 · 3 · P(more than 4 of 68 lost) = 0.18 ≤ 0.5; with 3 of 67, 0.68.
        Assert.Contains("proactive parity:   4 per 64-fragment block (6.25%) in pass 0; for these machines to finish in it (at most 0.5 short, expected): --fec-proactive 6.25% (4 per block)", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"rounds:\s+0 repair pass\(es\)", run.Stdout);
    }

    [Theory]
    [InlineData("--fec-proactive", "lots", "plan: --fec-proactive must be a percentage 0..100, e.g. 8%, or auto")]
    [InlineData("--fec-proactive", "auto", "plan: --fec-proactive needs --fec true")]
    [InlineData("--loss", "lots", "plan: --loss must be a percentage 0..99, e.g. 2%")]
    [InlineData("--machines", "0", "plan: --machines must be 1..100000")]
    [InlineData("--image", "32 furlongs", "plan: --image must be 1 byte .. 1GiB, e.g. 32MiB")]
    [InlineData("--discovery", "carrier-pigeon", "plan: --discovery is broadcast or manager")]
    public async Task BadValue_UsageErrorNamingTheOption(string option, string value, string error)
    {
        var run = await ManagerCli.RunAsync(new[] { "plan", option, value });

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(error, run.Stderr.Trim());
        Assert.Equal("", run.Stdout);
    }
}
