using System;
using System.IO;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The member secret file (docs/protocol.md §7.4, docs/operating.md): created once, private, never silently replaced.</summary>
public sealed class DonorSecretTests
{
    [Fact]
    public void LoadOrCreate_NoFile_Creates32BytesMode0600AndReadsTheSameNextTime()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Combine("sub"), "member.secret");
        byte[] first = DonorSecret.LoadOrCreate(path, out bool created);
        Assert.True(created);
        Assert.Equal(32, first.Length);
        Assert.Equal(first, File.ReadAllBytes(path));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        byte[] second = DonorSecret.LoadOrCreate(path, out bool createdAgain);
        Assert.False(createdAgain);
        Assert.Equal(first, second);
        Assert.Single(Directory.GetFiles(folder.Combine("sub"))); // no temporary file left behind
    }

    public static TheoryData<int> WrongLengths => new() { 0, 31, 33, 64 };

    [Theory]
    [MemberData(nameof(WrongLengths))]
    public void LoadOrCreate_FileOfWrongLength_RefusedAndLeftUnchanged(int length)
    {
        using var folder = new TempFolder();
        string path = folder.Combine("member.secret");
        var bytes = new byte[length];
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var error = Assert.Throws<InvalidDataException>(() => DonorSecret.LoadOrCreate(path, out _));
        Assert.Contains("not 32", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void LoadOrCreate_ReadableByOthers_RefusedWithChmodHint()
    {
        if (OperatingSystem.IsWindows()) return;
        using var folder = new TempFolder();
        string path = folder.Combine("member.secret");
        File.WriteAllBytes(path, new byte[32]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var error = Assert.Throws<InvalidDataException>(() => DonorSecret.LoadOrCreate(path, out _));
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateEphemeral_TwoCalls_DifferentSecrets()
    {
        Assert.NotEqual(DonorSecret.CreateEphemeral(), DonorSecret.CreateEphemeral());
    }

    private static string PrivateSecret(TempFolder folder, string name)
    {
        string path = folder.Combine(name);
        File.WriteAllBytes(path, new byte[32]);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    [Fact]
    public void LoadOrCreate_SymlinkToAGoodSecret_RefusedNotFollowed()
    {
        if (OperatingSystem.IsWindows()) return;
        using var folder = new TempFolder();
        string target = PrivateSecret(folder, "real.secret");
        string link = SpecialFiles.SymlinkTo(folder.Combine("member.secret"), target);
        var error = Assert.Throws<InvalidDataException>(() => DonorSecret.LoadOrCreate(link, out _));
        Assert.Contains("is a symbolic link (to " + target + ")", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not follow links", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_DanglingSymlink_RefusedAndNothingCreatedWhereItPoints()
    {
        // Following it would create the secret wherever whoever made the link wanted it.
        if (OperatingSystem.IsWindows()) return;
        using var folder = new TempFolder();
        string target = folder.Combine("elsewhere.secret");
        string link = SpecialFiles.SymlinkTo(folder.Combine("member.secret"), target);
        Assert.Throws<InvalidDataException>(() => DonorSecret.LoadOrCreate(link, out _));
        Assert.False(File.Exists(target));
        Assert.Single(Directory.GetFileSystemEntries(folder.FullPath)); // only the link is there
    }

    [Fact]
    public void LoadOrCreate_Fifo_RefusedAsNotARegularFile()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var folder = new TempFolder();
        string fifo = SpecialFiles.Fifo(folder.Combine("member.secret"));
        File.SetUnixFileMode(fifo, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var error = Assert.Throws<InvalidDataException>(() => DonorSecret.LoadOrCreate(fifo, out _));
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_OwnedByAnotherUser_RefusedWithChownHint()
    {
        // Needs root to give the file away (the tests run as root, README).
        if (!OperatingSystem.IsLinux()) return;
        using var folder = new TempFolder();
        string path = PrivateSecret(folder, "member.secret");
        using (var chown = System.Diagnostics.Process.Start("chown", new[] { "65534", path })!)
        {
            chown.WaitForExit();
            Assert.True(chown.ExitCode == 0, "chown 65534 failed: this test needs root");
        }
        var error = Assert.Throws<InvalidDataException>(() => DonorSecret.LoadOrCreate(path, out _));
        Assert.Contains("owned by uid 65534", error.Message, StringComparison.Ordinal);
        Assert.Contains("chown 0 " + path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_OwnPrivateFile_Read()
    {
        if (OperatingSystem.IsWindows()) return;
        using var folder = new TempFolder();
        string path = folder.Combine("member.secret");
        byte[] bytes = new byte[32];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(bytes, DonorSecret.LoadOrCreate(path, out bool created));
        Assert.False(created);
    }
}
