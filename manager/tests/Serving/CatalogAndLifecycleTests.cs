using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>The catalog as the operator sees it (verified at load, reloaded on change) and a graceful stop.</summary>
public sealed class CatalogAndLifecycleTests
{
    [Fact]
    public async Task Serve_FolderChanges_ReloadsAndListsBadCapsulesWithReasons()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string staging = Directory.CreateDirectory(folder.Combine("staging")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "good.cap", 8192, seed: 20, SharedFiles.TrustedPrivateKey);
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("r.jsonl"), "--status-http", "127.0.0.1:0",
        });
        using (JsonDocument status = await manager.GetStatusAsync())
        {
            Assert.Equal("good.cap", Assert.Single(status.RootElement.GetProperty("images").EnumerateArray()).GetProperty("name").GetString());
            Assert.Empty(status.RootElement.GetProperty("rejectedImages").EnumerateArray());
        }

        // Signed with a key the manager does not trust, a file that is no capsule, and a second good one.
        string rogue = await ManagerCli.PackCapsuleAsync(staging, "rogue.cap", 8192, seed: 21, SharedFiles.UntrustedPrivateKey);
        string second = await ManagerCli.PackCapsuleAsync(staging, "second.cap", 8192, seed: 22, SharedFiles.TrustedPrivateKey, version: 0x10003);
        File.Move(rogue, Path.Combine(images, "rogue.cap"));
        File.Move(second, Path.Combine(images, "second.cap"));
        await File.WriteAllTextAsync(Path.Combine(images, "notes.txt"), "not a capsule");

        JsonElement root = default;
        for (int i = 0; i < 100; i++)
        {
            await Task.Delay(100);
            using JsonDocument status = await manager.GetStatusAsync();
            root = status.RootElement.Clone();
            if (root.GetProperty("images").GetArrayLength() == 2 && root.GetProperty("rejectedImages").GetArrayLength() == 2) break;
        }
        Assert.Equal(new[] { "good.cap", "second.cap" }, root.GetProperty("images").EnumerateArray().Select(e => e.GetProperty("name").GetString()).OrderBy(n => n));
        var rejected = root.GetProperty("rejectedImages").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("reason").GetString()!);
        Assert.StartsWith("PublicKeyNotTrusted", rejected["rogue.cap"], StringComparison.Ordinal);
        Assert.Contains("notes.txt", rejected.Keys);
    }

    [Fact]
    public async Task Serve_Sigterm_StopsGracefullyWithExitCodeZero()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 8192, seed: 23, SharedFiles.TrustedPrivateKey);
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("r.jsonl"), "--status-http", "off",
        });
        Assert.Null(manager.StatusUri); // 'off' means no HTTP listener at all
        int exitCode = await manager.StopAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, exitCode);
        Assert.Contains("stopped;", manager.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// What someone can leave in the images folder: a symlink to /dev/zero, a FIFO, a sparse file far above
    /// --max-image-size. At start-up and again on a live reload while a machine is being served: each is
    /// listed with its reason, nothing else changes, and the running session completes.
    /// </summary>
    [Fact]
    public async Task Serve_HostileFilesInImages_RejectedWithReasonsAtStartAndOnLiveReload()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "good.cap", 512 << 10, seed: 24, SharedFiles.TrustedPrivateKey);
        SpecialFiles.SymlinkTo(Path.Combine(images, "zero.cap"), "/dev/zero");
        SpecialFiles.Fifo(Path.Combine(images, "fifo.cap"));
        SpecialFiles.Sparse(Path.Combine(images, "huge.cap"), 8L << 30);
        string results = folder.Combine("r.jsonl");
        await using var manager = await ManagerProcess.StartAsync(new[]
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", results, "--status-http", "127.0.0.1:0", "--gather", "0.2", "--rate", "4", "--max-image-size", "1MiB",
        });
        var expected = new System.Collections.Generic.Dictionary<string, string>
        {
            ["zero.cap"] = "not a regular file (a character device, via symlink to /dev/zero)",
            ["fifo.cap"] = "not a regular file (a FIFO)",
            ["huge.cap"] = "larger than the limit of 1048576 bytes (--max-image-size)",
        };
        using (JsonDocument status = await manager.GetStatusAsync())
        {
            Assert.Equal("good.cap", Assert.Single(status.RootElement.GetProperty("images").EnumerateArray()).GetProperty("name").GetString());
            Assert.Equal(expected, Rejected(status.RootElement));
        }

        // A machine is being served (4 Mbit/s: about a second for 512 KiB) when more of the same arrive.
        var recovery = ManagerCli.SimulateAsync(new[]
        {
            "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--out", folder.Combine("out"), "--timeout", "120",
        }, folder.Combine("report.json"));
        await NamespaceTestHelpers.WaitForSessionAsync(manager, s => s.GetProperty("state").GetString() == "Sending", TimeSpan.FromSeconds(60));
        SpecialFiles.SymlinkTo(Path.Combine(images, "zero2.cap"), "/dev/zero");
        SpecialFiles.Fifo(Path.Combine(images, "fifo2.cap"));
        expected["zero2.cap"] = expected["zero.cap"];
        expected["fifo2.cap"] = expected["fifo.cap"];
        System.Collections.Generic.Dictionary<string, string> reloaded = new();
        for (int i = 0; i < 100 && reloaded.Count < expected.Count; i++)
        {
            await Task.Delay(100);
            Assert.False(manager.HasExited, manager.Output);
            using JsonDocument status = await manager.GetStatusAsync();
            reloaded = Rejected(status.RootElement);
        }
        Assert.Equal(expected, reloaded);

        var (run, report) = await recovery;
        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        NamespaceTestHelpers.AssertByteExact(capsule, NamespaceTestHelpers.Clients(report)[0]);
        Assert.Contains(NamespaceTestHelpers.ReadResults(results), r => r.Outcome == "success");
    }

    private static System.Collections.Generic.Dictionary<string, string> Rejected(JsonElement root) =>
        root.GetProperty("rejectedImages").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("reason").GetString()!);

    [Fact]
    public async Task Serve_SecretFileIsASymlinkToAGoodSecret_ExitConfigurationWithOneLineAndNothingListens()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        string real = folder.Combine("real.secret");
        File.WriteAllBytes(real, new byte[32]);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string link = SpecialFiles.SymlinkTo(folder.Combine("member.secret"), real);
        var run = await ManagerCli.RunAsync(new[]
        {
            "serve", "--images", images, "--listen", "127.0.0.1:0", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", "off", "--secret-file", link, "--status-http", "off",
        }, timeout: TimeSpan.FromMinutes(2));
        Assert.Equal(ExitCodes.Configuration, run.ExitCode);
        Assert.Equal("serve: secret file " + link + " is a symbolic link (to " + real + ")", run.Stderr.Split(';')[0]);
        Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("ready udp=", run.Stdout, StringComparison.Ordinal);
    }
}
