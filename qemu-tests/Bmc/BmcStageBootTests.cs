using System;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Bmc;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;
using static UefiRecovery.QemuTests.Bmc.BmcBootAssert;

namespace UefiRecovery.QemuTests.Bmc;

/// <summary>
/// The staged host → BMC transfer (seed 004, docs/bmc.md) through QEMU's real KCS model and the test BMC's BLOB store:
/// <c>uefirecovery.mode=stage-to-bmc</c>, the stage list <c>bmc-stage.cfg</c> beside the app naming the ESP files.
/// The files are small (a few KiB): KCS under TCG carries roughly 1-13 KB/s (docs/bmc.md), so the 528 KiB image
/// would take minutes per boot; the figure is printed.
/// </summary>
public sealed class BmcStageBootTests
{
    private const byte GetCount = 0, Open = 2, Write = 4, Commit = 5, Stat = 8, Close = 6;

    private static readonly string[] OemStrings = { "uefirecovery.mode=stage-to-bmc", EfiAppConsole.DebugExitOemString };

    private static readonly byte[] First = Enumerable.Range(0, 6000).Select(i => (byte)(i * 7 + i / 256)).ToArray();
    private static readonly byte[] Second = Enumerable.Range(0, 2500).Select(i => (byte)(255 - i % 251)).ToArray();

    private readonly ITestOutputHelper _output;

    public BmcStageBootTests(ITestOutputHelper output) => _output = output;

    private static AppBootSetup Setup(BmcSimulator bmc) => new()
    {
        QemuArguments = bmc.QemuArguments(),
        EspFiles = new (string, byte[])[]
        {
            ("EFI/BOOT/bmc-stage.cfg", Encoding.ASCII.GetBytes("# seed 004: two images, in order\n\\EFI\\stage\\first.bin /recovery/image\n\\EFI\\stage\\second.bin /recovery/second\n")),
            ("EFI/stage/first.bin", First),
            ("EFI/stage/second.bin", Second),
        },
    };

    private static void AssertExit(AppBootResult boot, int code, string sentinel) =>
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex(sentinel)), "'" + sentinel + "'", DebugExit.ExitCodeFor(code));

    /// <summary>One file's messages: Open, Writes at strictly increasing offsets covering the file, Commit, Stat polls, Close.</summary>
    private static BmcBlobMessage[] AssertOneFile(BmcBlobMessage[] log, ref int at, int size)
    {
        int start = at;
        Assert.Equal(Open, log[at++].Subcommand);
        uint expected = 0;
        while (log[at].Subcommand == Write)
        {
            Assert.Equal(expected, log[at].Offset); // strictly increasing, contiguous: each Write only after the previous answer
            expected += (uint)log[at].DataBytes;
            at++;
        }
        Assert.Equal((uint)size, expected);
        Assert.Equal(Commit, log[at++].Subcommand);
        Assert.Equal(Stat, log[at++].Subcommand);
        while (log[at].Subcommand == Stat)
            at++;
        Assert.Equal(Close, log[at++].Subcommand);
        return log[start..at];
    }

    [Fact]
    public async Task Stage_TwoFiles_StoredByteExactInOrderOneAnswerPerMessage()
    {
        var responder = new BmcResponder();
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);

        AppBootResult boot = await AppBoot.RunAsync("bmc-stage", OemStrings, Setup(bmc));

        Find(boot, @"^BMC STAGE start-upgrade result=ok blobs=0 files=2 kcs=0xCA2$");
        Find(boot, @"^BMC STAGE file=\\EFI\\stage\\first\.bin blob=/recovery/image bytes=6000 writes=21 polls=2 retried=0 result=stored$");
        Find(boot, @"^BMC STAGE file=\\EFI\\stage\\second\.bin blob=/recovery/second bytes=2500 writes=9 polls=2 retried=0 result=stored$");
        AssertExit(boot, EfiAppConsole.ExitSuccess, @"^BMC STAGE DONE result=ok files=2 stored=2 kcs-bytes=\d+$");
        Assert.Equal(First, responder.Blobs.Stored("/recovery/image"));
        Assert.Equal(Second, responder.Blobs.Stored("/recovery/second"));
        BmcBlobMessage[] log = responder.Blobs.Messages.ToArray();
        int at = 0;
        Assert.Equal(GetCount, log[at++].Subcommand); // start upgrade
        AssertOneFile(log, ref at, First.Length);
        AssertOneFile(log, ref at, Second.Length); // the second file only after the first's acknowledgement
        Assert.Equal(log.Length, at);
        Assert.All(log, m => Assert.True(m.Answered));
        // One answer per message: every request the BMC saw was a BLOB command and got exactly one answer.
        Assert.Equal(log.Length, bmc.Requests.Count(r => r.NetFn == BmcBlobStore.NetFn));
        Assert.Equal(bmc.Requests.Count, bmc.Exchanges.Count);
        BmcThroughput.Report(_output, bmc, boot);
    }

    [Fact]
    public async Task Stage_CorruptThenDroppedWriteAnswer_SameOffsetSentAgainFileByteExact()
    {
        var responder = new BmcResponder();
        // The BMC takes both writes but damages the first one's answer (its OEN) and loses the second one's (the retry of the
        // first is the second Write it sees, the second data message the third; QEMU answers C3h for the lost one after 4 s).
        responder.Blobs.InjectFault(Write, BmcBlobFault.Corrupt, 1);
        responder.Blobs.InjectFault(Write, BmcBlobFault.Drop, 1, skip: 2);
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);

        AppBootResult boot = await AppBoot.RunAsync("bmc-stage-faults", OemStrings, Setup(bmc));

        Find(boot, @"^BMC STAGE file=\\EFI\\stage\\first\.bin blob=/recovery/image bytes=6000 writes=21 polls=2 retried=2 result=stored$");
        AssertExit(boot, EfiAppConsole.ExitSuccess, @"^BMC STAGE DONE result=ok files=2 stored=2 kcs-bytes=\d+$");
        Assert.Equal(First, responder.Blobs.Stored("/recovery/image"));
        Assert.Equal(Second, responder.Blobs.Stored("/recovery/second"));
        BmcBlobMessage[] writes = responder.Blobs.Messages.Where(m => m.Subcommand == Write && m.Session == responder.Blobs.Messages.First(o => o.Subcommand == Write).Session).ToArray();
        // Offsets: 0 (answer corrupted), 0 again, 286 (answer lost), 286 again, then on: a retry carries the same offset.
        Assert.Equal(new uint[] { 0, 0, 286, 286, 572 }, writes.Take(5).Select(m => m.Offset).ToArray());
        Assert.False(writes[2].Answered);
        Assert.Equal(23, writes.Length);
    }

    [Fact]
    public async Task Stage_BmcNeverAcknowledgesStored_FailureLineSecondFileNotSent()
    {
        var responder = new BmcResponder();
        responder.Blobs.NeverCommit = true;
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);

        AppBootResult boot = await AppBoot.RunAsync("bmc-stage-noack", OemStrings, Setup(bmc));

        Find(boot, @"^BMC STAGE file=\\EFI\\stage\\first\.bin blob=/recovery/image bytes=6000 writes=21 polls=100 retried=0 result=not-acknowledged stored-size=6000$");
        AssertExit(boot, EfiAppConsole.ExitFailure, @"^BMC STAGE DONE result=fail files=2 stored=0 kcs-bytes=\d+$");
        // Nothing else: the second file was never opened, and the session was closed.
        Assert.Null(responder.Blobs.Stored("/recovery/second"));
        BmcBlobMessage[] log = responder.Blobs.Messages.ToArray();
        Assert.Equal(1, log.Count(m => m.Subcommand == Open));
        Assert.Equal(Close, log[^1].Subcommand);
        Assert.Equal(100, log.Count(m => m.Subcommand == Stat));
    }

    [Fact]
    public async Task Stage_BmcSilent_OpenFailsTimeoutNothingStored()
    {
        var responder = new BmcResponder();
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        responder.Blobs.InjectFault(Open, BmcBlobFault.Drop, int.MaxValue);

        AppBootResult boot = await AppBoot.RunAsync("bmc-stage-silent", OemStrings, Setup(bmc));

        Find(boot, @"^BMC STAGE file=\\EFI\\stage\\first\.bin blob=/recovery/image bytes=6000 writes=0 polls=0 retried=2 result=command-failed step=open status=completion-code cc=timeout$");
        AssertExit(boot, EfiAppConsole.ExitFailure, @"^BMC STAGE DONE result=fail files=2 stored=0 kcs-bytes=\d+$");
        Assert.Empty(responder.Blobs.Ids());
        Assert.Equal(3, responder.Blobs.Messages.Count(m => m.Subcommand == Open));
        Assert.DoesNotContain(responder.Blobs.Messages, m => m.Subcommand != Open && m.Subcommand != GetCount);
    }
}
