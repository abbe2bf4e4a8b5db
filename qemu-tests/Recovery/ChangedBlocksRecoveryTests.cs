using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Firmware;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Changed-blocks recovery in OVMF with the real manager (issue #11): a region that differs from the image in
/// one block is fixed by writing that block (written=1, one erase, block 0 not erased); the same start in
/// all-blocks mode writes 132 and ends with the same bytes; a region that differs in every block writes 132.
/// The image is the region as the app of that very boot sees it (<see cref="FlashWriteLab.RecoverFromSeenAsync"/>)
/// with the chosen blocks changed, so OVMF's own boot writes do not count as differences. Needs root; else skipped.
/// </summary>
public sealed class ChangedBlocksRecoveryTests
{
    private const int BlockSize = 4096;
    private const int DamagedBlock = InterruptedRecovery.GarbageOffset / BlockSize;

    private readonly ITestOutputHelper _output;

    public ChangedBlocksRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_RegionDiffersInOneBlock_ChangedWritesOneBlockAndAllBlocksWritesEverySameBytes()
    {
        using FlashWriteLab lab = FlashWriteLab.Create("rcv-changed-one");
        byte[] pristine = PristineVars.Read();
        byte[] start = InterruptedRecovery.DamageRegion(pristine);

        // The image: the region as the app sees it, with the damaged block as it should be.
        FlashWriteRun changed = await lab.RecoverFromSeenAsync("1-changed", start, "changed", seen => WithBlock(seen, pristine, DamagedBlock));
        byte[] image = WithBlock(changed.Seen, pristine, DamagedBlock);
        Assert.Equal(DamagedBlock.ToString(System.Globalization.CultureInfo.InvariantCulture), FlashBlocks.Differing(image, changed.Seen));
        AssertRecoveredByteExact(changed, image, lab);
        BootAssert.True(changed.Written == 1 && changed.Erases == 1 && !changed.HeaderErased, changed.Exit,
            $"one block written and erased, block 0 untouched: {changed.Write?.Text} / {changed.Detail?.Text}");
        BootAssert.True(Blocks(changed).Count == 1 && Blocks(changed)[0] == DamagedBlock, changed.Exit, "only the damaged block written");

        // All blocks, same start, same image (OVMF's boot writes differ a little: every block is written anyway).
        await lab.ServeAsync("2-serve-all", image);
        FlashWriteRun all = await lab.RecoverAsync("2-all", start, "all");
        AssertRecoveredByteExact(all, image, lab);
        BootAssert.True(all.Written == 132 && all.Erases == 132 && all.HeaderErased, all.Exit, "every block erased and written: " + all.Write?.Text);

        Assert.True(changed.VarsAfter.AsSpan().SequenceEqual(all.VarsAfter),
            "changed-blocks and all-blocks ended differently in blocks " + FlashBlocks.Differing(changed.VarsAfter, all.VarsAfter));
        _output.WriteLine($"changed: {changed.Write!.Text} / {changed.Detail!.Text}\nall:     {all.Write!.Text} / {all.Detail!.Text}");
    }

    [RootFact]
    public async Task Recover_RegionDiffersInEveryBlock_ChangedWritesAll132()
    {
        using FlashWriteLab lab = FlashWriteLab.Create("rcv-changed-every");
        byte[] pristine = PristineVars.Read();

        FlashWriteRun changed = await lab.RecoverFromSeenAsync("1-changed", pristine, "changed", EveryBlockChanged);
        byte[] image = EveryBlockChanged(changed.Seen);
        Assert.Equal(132, FlashBlocks.Differing(image, changed.Seen).Split(',').Length);
        AssertRecoveredByteExact(changed, image, lab);
        BootAssert.True(changed.Written == 132, changed.Exit, "132 blocks written: " + changed.Write?.Text);
        _output.WriteLine($"{changed.Write!.Text} / {changed.Detail!.Text}");
    }

    // The last byte of every block changed (bits set or cleared): headers untouched, so the image stays valid.
    private static byte[] EveryBlockChanged(byte[] seen)
    {
        byte[] image = (byte[])seen.Clone();
        for (int block = 0; block < image.Length / BlockSize; block++)
        {
            image[block * BlockSize + BlockSize - 1] ^= 0x5A;
        }
        return image;
    }

    // The blocks named by the app's "FLASH block=N action=.. begin" lines (uefirecovery.log=debug).
    private static System.Collections.Generic.List<int> Blocks(FlashWriteRun run)
    {
        var blocks = new System.Collections.Generic.List<int>();
        foreach (SerialLine line in run.Serial.Lines)
        {
            System.Text.RegularExpressions.Match match = System.Text.RegularExpressions.Regex.Match(line.Text, @"^FLASH block=(\d+) action=\S+ begin$");
            if (match.Success)
            {
                blocks.Add(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return blocks;
    }

    private static void AssertRecoveredByteExact(FlashWriteRun run, byte[] image, FlashWriteLab lab)
    {
        BootAssert.SentinelAndExitCode(run.Exit, run.Serial.Find(new System.Text.RegularExpressions.Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'\nmanager:\n" + lab.ManagerOutput, DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.NotNull(run.Write, run.Exit, "the RECOVERY WRITE line");
        Assert.True(run.VarsAfter.AsSpan().SequenceEqual(image), "flash differs from the image in blocks " + FlashBlocks.Differing(image, run.VarsAfter));
        // The firmware's own read-back hash of the whole region is the image's SHA-256.
        Assert.Equal(Convert.ToHexString(SHA256.HashData(image)).ToLowerInvariant(), run.Sha256);
    }

    private static byte[] WithBlock(byte[] region, byte[] from, int block)
    {
        byte[] copy = (byte[])region.Clone();
        Array.Copy(from, block * BlockSize, copy, block * BlockSize, BlockSize);
        return copy;
    }
}
