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
}
