using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Loss on the wire: an nftables rule in the bridge family drops about 5 % of the UDP frames going into
/// and coming out of the machine's tap (the kernel has no netem; design/TOOLCHAIN.md). With 379 fragments
/// the first pass practically always loses some (0.95^379 ≈ 4e-9), so the recovery must go through
/// repair passes, or parity, and still end byte-exact.
/// </summary>
public sealed class LossyRecoveryTests
{
    private const int LossPercent = 5;

    private static readonly Regex FecLine = new(@"^RECOVERY FEC offered=yes active=yes parity=([1-9]\d*) decoded=([1-9]\d*) rejected=0$");

    private readonly ITestOutputHelper _output;

    public LossyRecoveryTests(ITestOutputHelper output) => _output = output;

    /// <summary>One machine's recovery behind the drop rule, against the real manager; what the test checks comes after.</summary>
    private sealed record LossyRun(E2eRecoveryFiles Files, QemuExit Exit, SerialLog Serial, long ToGuest, long FromGuest, string ManagerOutput)
    {
        public string ResultLog => string.Join("\n", E2eRecoveryLab.ResultLines(Files.Results));
    }

    private async Task<LossyRun> RecoverOneMachineAsync(string name, Func<ServeArguments, ServeArguments> serve, NicModel? nic = null)
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-" + name);
        using E2eSegment segment = E2eSegment.Create();
        E2eRecoveryLab.AddRandomDrop(segment.Namespace, segment.Tap, LossPercent);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, serve(E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 1)));

        QemuMachine machine = segment.Machine(files.Boot("1-" + name), files.BuildEsp(), E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress),
            E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath, nic: nic);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        (long toGuest, long fromGuest, string listing) = E2eRecoveryLab.DropCounters(segment.Namespace);
        string managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);
        _output.WriteLine(listing);
        _output.WriteLine(managerOutput);
        BootAssert.True(toGuest > 0, exit, "the drop rule in front of the tap dropped nothing:\n" + listing);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY VERIFIED version=0x00010002 payload=540672 ")), exit, "the verified capsule");
        E2eRecoveryLab.AssertRecovered(exit, serial, files.Payload, files.Results, managerOutput);
        return new LossyRun(files, exit, serial, toGuest, fromGuest, managerOutput);
    }

    // The machine's success record in the result log, and the session's repair rounds in it.
    private static int RepairRoundsRecorded(LossyRun run)
    {
        string log = run.ResultLog;
        Match record = new Regex(@"""clientId"":""52:54:00:12:34:56"".*""outcome"":""success"",""code"":0,.*""repairRounds"":(\d+)").Match(log);
        Assert.True(record.Success, "no success record for the machine: " + log);
        return int.Parse(record.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [RootFact]
    public async Task Recover_FivePercentRandomDropAtTheTap_VarsEqualPayloadRepairRoundsOnBothSides()
    {
        LossyRun run = await RecoverOneMachineAsync("lossy", serve => serve);

        BootAssert.NotNull(run.Serial.Find(new Regex(@"^RECOVERY OFFER donor=10\.216\.0\.1:40123 .* mode=broadcast$")), run.Exit, "the manager's offer" + run.ManagerOutput);
        BootAssert.NotNull(run.Serial.Find(new Regex(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ ")), run.Exit, "the changed blocks written");

        // On the machine's screen: the progress line after the image completed shows the STATUS rounds it sent
        // (each NACK answered by a repair pass).
        SerialLine? complete = run.Serial.Find(new Regex(@"^RECOVERY PROGRESS bytes=541344 of 541344 rate=\d+KiB/s round=([1-9]\d*) "));
        BootAssert.NotNull(complete, run.Exit, "a completed progress line with round >= 1 (repair rounds on the machine's screen)");

        // In the manager: the result record and the session's log lines count repair rounds.
        _output.WriteLine("result log: " + run.ResultLog);
        Assert.True(RepairRoundsRecorded(run) >= 1, "the result log says the session needed no repair round under 5 % loss: " + run.ResultLog);
        Assert.Matches(new Regex(@"repair rounds [1-9]\d*"), run.ManagerOutput);
        _output.WriteLine($"frames dropped toward the machine: {run.ToGuest}, from it: {run.FromGuest}; machine: {complete!.Text}");
    }

    /// <summary>
    /// docs/protocol.md §5.5 in the firmware, on each NIC setup (x64): the manager offers FEC, the app reports BLOCK COUNTS
    /// and restores its lost fragments from parity, each checked against its manifest leaf, and the capsule verifies as
    /// always. The test cannot pass without a decode: it asks for decoded >= 1. A single machine with FEC on never NACKs,
    /// and the donor sends a block as DATA only when the need reaches its 64 fragments (§5.5), so every fragment lost in
    /// pass 0 comes back as parity; the one run that would fail for want of a decode is one in which the drop rule hit
    /// none of the 379 DATA (0.95^379 ≈ 4e-9).
    /// </summary>
    [RootTheory]
    [InlineData(NicModel.VirtioNetOvmfDriver)]
    [InlineData(NicModel.VirtioNetIpxe)]
    [InlineData(NicModel.E1000)]
    public async Task Recover_FivePercentDropWithFec_ParityDecodedInFirmwareVarsEqualPayload(NicModel nic)
    {
        LossyRun run = await RecoverOneMachineAsync("lossy-fec-" + nic.ToString().ToLowerInvariant(), serve => serve with { Fec = true }, nic);

        SerialLine? fec = run.Serial.Find(FecLine);
        BootAssert.NotNull(fec, run.Exit, $"a RECOVERY FEC line with parity kept and fragments decoded in the firmware ({nic})");
        _output.WriteLine($"{nic}: frames dropped toward the machine: {run.ToGuest}, from it: {run.FromGuest}; machine: {fec!.Text}");
    }

    /// <summary>
    /// serve --fec-proactive (docs/protocol.md §5.5) in the firmware: pass 0 carries 32 parity per 64-fragment block
    /// and each MANIFEST three times (the copies the share is sized for), so at 5 % drop the app restores what it lost
    /// from pass 0's own parity and finishes without a repair pass. The test asks for decoded >= 1 and zero repair rounds
    /// in the result record; a repair pass would need a block to lose more than 32 of its 96 datagrams (P ≈ 1e-20) or a
    /// group all three copies of its MANIFEST (P ≈ 1e-3 for the image's groups together).
    /// </summary>
    [RootFact]
    public async Task Recover_FivePercentDropWithProactiveParity_DecodedFromPassZeroNoRepairRound()
    {
        LossyRun run = await RecoverOneMachineAsync("lossy-proactive", serve => serve with { Fec = true, FecProactivePercent = 50 });

        SerialLine? fec = run.Serial.Find(FecLine);
        BootAssert.NotNull(fec, run.Exit, "a RECOVERY FEC line with pass 0's parity kept and fragments decoded in the firmware");
        Assert.Matches(new Regex(@"pass 0 carried \d+ proactive parity for \d+ blocks \(50% of each\)"), run.ManagerOutput);
        Assert.True(RepairRoundsRecorded(run) == 0, "a repair round after a pass 0 with 32 parity per block at 5 % drop: " + run.ResultLog + run.ManagerOutput);
        _output.WriteLine($"frames dropped toward the machine: {run.ToGuest}, from it: {run.FromGuest}; machine: {fec!.Text}");
    }
}
