using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Power cut everywhere (issue #11, and on AArch64 issue #16), real firmware, real manager: a forced recovery is cut at
/// chosen points of the app's flash write, for each write mode. The cut is exact: QEMU runs under strace, which answers
/// the chosen vars-file write with EIO instead of making it and kills QEMU (SIGKILL), so the file holds every erase and
/// program before it and nothing after (<see cref="FlashWriteTracing"/>). The next boot (same vars file and ESP image,
/// auto mode) must reach the app, find recovery-in-progress, recover and end byte-exact with a success RESULT.
/// <list type="bullet">
/// <item>x64 (OVMF 2022.11, Debian's pristine vars, 132 blocks of 4 KiB): ten points per mode. Three of each lie inside
/// block 0's window (erased, fewer than 0x5E header bytes programmed): there OVMF faults before any app runs, a limit of
/// this firmware that no write order removes (docs/firmware-regions.md); those rows assert exactly that, and that the
/// cut left block 0 in the stated state.</item>
/// <item>arm64 (AAVMF 2022.11, the flash its first boot formatted, 3 blocks of 256 KiB): every point of
/// <see cref="PowerCutPlan"/>'s AAVMF layout, 10 for `all` (blocks 2, 1, 0: 42 writes) and 7 for `changed` (block 0:
/// 38 writes): before the first write, each block erased with nothing programmed, before block 0's erase, its headers
/// alone, AAVMF's own second erase of block 0 (its NorFlashDxe erases and reprograms a block for any Write of more than
/// 128 bytes), the first buffer after it, one seeded body point, before the last write. That is every distinct state
/// of block 0's headers a cut between writes can leave; the other writes are the body's 128-byte buffers, one seeded.
/// Where block 0 is left erased, AAVMF formats the region again and boots the app, which recovers: no AAVMF row is
/// unbootable. The states between (headers partly programmed) only a cut inside one program operation leaves; the
/// second theory boots them crafted and asserts what AAVMF does: formats the region again, boots, or (Signature and
/// Size right, Format/State erased) faults before the boot manager. 17 + 6 rows, about 5 s each (3 s crafted) after the
/// first, which pays AAVMF's formatting boot and the references.</item>
/// </list>
/// Needs root; else skipped.
/// </summary>
public sealed class PowerCutRecoveryTests : IClassFixture<PowerCutLabs>
{
    private static readonly Regex CpuException = new(@"^(!!!! X64 Exception Type - |Synchronous Exception at )");
    private static readonly Regex Done = new(@"^RECOVERY DONE ");
    private static readonly Regex Outcome = new(@"^(!!!! X64 Exception Type - |Synchronous Exception at |RECOVERY DONE |Shell> )");

    private readonly PowerCutLabs _labs;
    private readonly ITestOutputHelper _output;
    private PowerCutLab _lab = null!;

    public PowerCutRecoveryTests(PowerCutLabs labs, ITestOutputHelper output)
    {
        _labs = labs;
        _output = output;
    }

    public static IEnumerable<object[]> Rows()
    {
        foreach (string mode in new[] { "changed", "all" })
        {
            for (int point = 0; point < 10; point++)
            {
                yield return new object[] { "x64", mode, point };
            }
        }
        foreach ((string mode, int points) in new[] { ("changed", 7), ("all", 10) })
        {
            for (int point = 0; point < points; point++)
            {
                yield return new object[] { "arm64", mode, point };
            }
        }
    }

    [RootTheory]
    [MemberData(nameof(Rows))]
    public async Task Recover_PowerCutDuringWrite_NextBootRecoversOrOvmfFaultsInsideHeaderWindow(string arch, string writeMode, int point)
    {
        _lab = _labs.For(arch);
        PowerCutPlan plan = await _lab.PlanAsync(writeMode);
        Assert.True(point < plan.Points.Count, $"the plan has {plan.Points.Count} points, this row asks for point {point}:\n{plan.Describe()}");
        PowerCutPoint cut = plan.Points[point];
        _output.WriteLine(plan.Describe());
        _output.WriteLine($"this row: point {point}, {cut.Name}; cut before trace write {cut.WriteIndex} (app write {cut.WriteIndex - plan.FirstAppWrite})");
        string directory = Path.Combine(_lab.RunDirectory, $"{writeMode}-point{point}");
        EspImage esp = _lab.NewEsp(directory);

        // 1: forced recovery, cut at the chosen write. The machine keeps its MAC and address for the next boot: the
        // manager meets it again with the session it was cut out of (a rebooted member is served anew).
        (string mac, string address) = _lab.NextMachine();
        string trace = Path.Combine(directory, "cut.trace");
        QemuMachine cutMachine = _lab.Machine(Path.Combine(directory, "1-cut"), esp, mac, _lab.OemStrings("recover", address, writeMode), null,
            TimeSpan.FromMinutes(4), new FlashWriteTracing { TracePath = trace, CutBeforeWrite = cut.WriteIndex + 1, AttachOn = PowerCutLab.TraceFrom });
        (QemuExit killed, _) = await _lab.TracedBootAsync(cutMachine);
        BootAssert.True(!killed.TimedOut && Regex.IsMatch(killed.SerialText, "^FIRMWARE MARKER state=in-progress written=yes", RegexOptions.Multiline)
            && !Regex.IsMatch(killed.SerialText, "^RECOVERY WRITE ", RegexOptions.Multiline), killed,
            "the cut must end the boot inside the app's write\nmanager:\n" + _lab.ManagerOutput);
        AssertCutLandedAt(plan, cut, FlashWriteTrace.Read(trace), killed);
        byte[] afterCut = File.ReadAllBytes(killed.VarsPath);
        int headerBytes = cut.WriteIndex - plan.HeaderErase - 1;
        if (!cut.MustRecover)
        {
            AssertHeaderBlockInWindow(afterCut, headerBytes, killed);
        }
        if (cut.ErasedBlock >= 0)
        {
            BootAssert.True(afterCut.AsSpan(cut.ErasedBlock * _lab.BlockSize, _lab.BlockSize).IndexOfAnyExcept((byte)0xFF) < 0, killed,
                $"block {cut.ErasedBlock} is wholly erased after this cut");
        }
        _output.WriteLine($"after the cut: blocks differing from the payload: {FlashBlocks.Differing(_lab.Payload, _lab.Region(afterCut).ToArray(), _lab.BlockSize)}");

        // 2: power back on: the same machine, vars file and ESP image, auto mode.
        QemuMachine nextMachine = _lab.Machine(Path.Combine(directory, "2-next-boot"), esp, mac, _lab.OemStrings("auto", address, writeMode),
            killed.VarsPath, TimeSpan.FromMinutes(5));
        await using QemuRun next = nextMachine.Start();
        SerialLine? outcome = await next.Serial.WaitForLineAsync(Outcome, TimeSpan.FromMinutes(arch == "arm64" ? 3 : 5));
        QemuExit exit = outcome != null && Done.IsMatch(outcome.Text) ? await next.WaitForExitAsync() : await next.KillAsync();
        BootAssert.NotNull(outcome, exit, "an outcome of the next boot: a CPU exception of the firmware, its shell, or RECOVERY DONE");

        if (!cut.MustRecover)
        {
            // The firmware limit: OVMF re-initialises the region (FV header invalid) or finds the store header
            // invalid, and VariableRuntimeDxe faults before the boot manager. No app, no recovery.
            BootAssert.True(CpuException.IsMatch(outcome!.Text), exit, "OVMF faulting before the app (block 0 has only " + headerBytes + " header bytes)");
            BootAssert.True(next.Serial.Find(EfiAppConsole.Banner) == null && next.Serial.Find(new Regex("^BdsDxe: ")) == null, exit,
                "no boot manager and no app after a cut inside the header window");
            _output.WriteLine($"as documented: {headerBytes} header bytes after block 0's erase, OVMF faulted before the app: {outcome.Text}");
            return;
        }

        BootAssert.True(Done.IsMatch(outcome!.Text), exit, $"the app after the cut ({cut.Name}): the firmware did not start it");
        SerialLine? verdict = next.Serial.Find(new Regex(@"^RECOVERY REGION verdict=invalid reason=recovery-in-progress message=""[^""]+"" marker=in-progress$"));
        BootAssert.NotNull(verdict, exit, "recovery-in-progress from the marker");
        BootAssert.NotNull(next.Serial.Find(new Regex(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ erases=\d+ retries=0$")), exit,
            "the region written and read back\nmanager:\n" + _lab.ManagerOutput);
        BootAssert.NotNull(next.Serial.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), exit, "RESULT acknowledged");
        BootAssert.SentinelAndExitCode(exit, next.Serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        string? mismatch = _lab.PayloadMismatch(File.ReadAllBytes(exit.VarsPath));
        Assert.True(mismatch == null, mismatch);
        string results = string.Join("\n", E2eRecoveryLab.ResultLines(_lab.ResultsPath));
        Assert.Matches(new Regex("\"clientId\":\"" + mac + "\".*\"outcome\":\"success\",\"code\":0"), results);
    }

    /// <summary>
    /// What AAVMF does with a header block that only a cut inside one program operation leaves partly programmed (in
    /// QEMU the app's header Write is one 128-byte buffer program, so no cut between writes reaches these states; on real
    /// NOR an interrupted buffer program can): block 0 holds the first <paramref name="headerBytes"/> bytes of the
    /// region's headers (FV header 0x48, then the store's Signature to 0x57, Size to 0x5B, Format 0x5C, State 0x5D,
    /// reserved to 0x63), the rest erased; blocks 1-2 as formatted. AAVMF's NorFlashDxe formats the region again when
    /// its FV header, store Signature or Size is not right ("formats": the app then finds all 0x64 header bytes
    /// back); with those right and Format/State erased it faults before the boot manager ("faults": unbootable); from
    /// State on it boots what it finds ("boots": the missing reserved bytes stay erased). fvbcheck, no write.
    /// </summary>
    [RootTheory]
    [InlineData(0x00, "formats")]
    [InlineData(0x47, "formats")]
    [InlineData(0x5B, "formats")]
    [InlineData(0x5C, "faults")]
    [InlineData(0x5D, "faults")]
    [InlineData(0x5E, "boots")]
    public async Task Boot_AavmfHeaderBlockPartlyProgrammed_FormatsFaultsOrBootsByHeaderBytes(int headerBytes, string expected)
    {
        _lab = _labs.For("arm64");
        await _lab.EnsureStartedAsync();
        string directory = Path.Combine(_lab.RunDirectory, $"header-0x{headerBytes:X2}");
        byte[] flash = _lab.StartingFlash();
        flash.AsSpan(headerBytes, _lab.BlockSize - headerBytes).Fill(0xFF);
        string crafted = Path.Combine(directory, "crafted-vars.fd");
        EspImage esp = _lab.NewEsp(directory);
        File.WriteAllBytes(crafted, flash);
        (string mac, _) = _lab.NextMachine();
        string[] oemStrings = ["uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString];
        await using QemuRun run = _lab.Machine(Path.Combine(directory, "boot"), esp, mac, oemStrings, crafted, TimeSpan.FromMinutes(3)).Start();
        SerialLine? outcome = await run.Serial.WaitForLineAsync(new Regex("^(Synchronous Exception at |FIRMWARE FVBCHECK DONE )"), TimeSpan.FromMinutes(3));
        QemuExit exit = outcome != null && !CpuException.IsMatch(outcome.Text) ? await run.WaitForExitAsync() : await run.KillAsync();
        BootAssert.NotNull(outcome, exit, "a CPU exception or the app's fvbcheck");
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        if (expected == "faults")
        {
            BootAssert.True(CpuException.IsMatch(outcome!.Text) && run.Serial.Find(EfiAppConsole.Banner) == null && run.Serial.Find(new Regex("^BdsDxe: ")) == null,
                exit, $"AAVMF faulting before the boot manager with the headers through Size and Format/State erased ({headerBytes} bytes)");
            _output.WriteLine($"{headerBytes} header bytes: AAVMF faulted before the boot manager, no app: {outcome.Text}");
            return;
        }
        BootAssert.NotNull(run.Serial.Find(new Regex(@"^FIRMWARE REGION fs=FFF12B8D-7696-4C8B-A985-2747075B4F50 .* verdict=valid reason=valid ")), exit,
            $"the app booted and found AAVMF's region valid ({headerBytes} header bytes before the boot)");
        ReadOnlySpan<byte> headers = after.AsSpan(0, 0x64);
        if (expected == "formats")
        {
            BootAssert.True(headers.SequenceEqual(_lab.Payload.AsSpan(0, 0x64)), exit, $"AAVMF wrote the region's headers again ({headerBytes} header bytes before the boot)");
        }
        else
        {
            BootAssert.True(headers.Slice(0, headerBytes).SequenceEqual(_lab.Payload.AsSpan(0, headerBytes)) && headers.Slice(headerBytes).IndexOfAnyExcept((byte)0xFF) < 0,
                exit, $"AAVMF left the headers as they were ({headerBytes} bytes, the rest erased)");
        }
        _output.WriteLine($"{headerBytes} header bytes: the app booted; AAVMF {(expected == "formats" ? "formatted the region again" : "kept the headers as they were")}");
    }

    // The cut run wrote exactly what the reference wrote before the chosen write, and not that write (nor any after it).
    private static void AssertCutLandedAt(PowerCutPlan plan, PowerCutPoint cut, IReadOnlyList<FlashWrite> writes, QemuExit killed)
    {
        int landed = FlashWriteTrace.CutIndex(writes);
        BootAssert.True(landed == cut.WriteIndex, killed,
            $"strace cut before write {cut.WriteIndex}: it landed at {landed} (-1: a write was made after the first one cut) of {writes.Count}");
        for (int i = 0; i <= cut.WriteIndex; i++)
        {
            FlashWrite expected = plan.Reference[i];
            BootAssert.True(writes[i].Offset == expected.Offset && writes[i].Length == expected.Length, killed,
                $"write {i} of the cut boot ({writes[i]}) differs from the reference's ({expected}): the boots did not write the same sequence");
        }
    }

    // Block 0 erased with exactly the first headerBytes bytes of the payload's header programmed: inside the window.
    private void AssertHeaderBlockInWindow(byte[] vars, int headerBytes, QemuExit killed)
    {
        BootAssert.True(headerBytes >= 0 && headerBytes < PowerCutPlan.OvmfBootCriticalHeaderBytes, killed, "a window point has 0..0x5D header bytes: " + headerBytes);
        for (int i = 0; i < 4096; i++)
        {
            byte expected = i < headerBytes ? _lab.Payload[i] : (byte)0xFF;
            BootAssert.True(vars[i] == expected, killed, $"block 0 byte 0x{i:X} after the cut is 0x{vars[i]:X2}, expected 0x{expected:X2} ({headerBytes} header bytes programmed)");
        }
    }
}
