using System;
using System.IO;
using System.Linq;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>Whatever the folder holds, a reload returns a snapshot: bad files are rejections, never exceptions.</summary>
public sealed class ImageCatalogTests : IDisposable
{
    private readonly TempFolder _folder = new("catalog");

    public void Dispose() => _folder.Dispose();

    private sealed class AcceptAll : ICatalogVerifier
    {
        public CatalogVerdict Verify(string fileName, byte[] capsule) => CatalogVerdict.Accept(Guid.Empty, 1, 0);
    }

    private sealed class Broken : ICatalogVerifier
    {
        public CatalogVerdict Verify(string fileName, byte[] capsule) => throw new InvalidOperationException("verifier bug");
    }

    [Fact]
    public void Reload_SpecialFilesBesideAGoodOne_GoodOfferedOthersRejectedWithReasons()
    {
        File.WriteAllBytes(_folder.Combine("good.cap"), new byte[100]);
        SpecialFiles.SymlinkTo(_folder.Combine("zero.cap"), "/dev/zero");
        SpecialFiles.Fifo(_folder.Combine("fifo.cap"));
        SpecialFiles.Sparse(_folder.Combine("big.cap"), 1001);
        File.WriteAllBytes(_folder.Combine("empty.cap"), Array.Empty<byte>());
        SpecialFiles.SymlinkTo(_folder.Combine("dangling.cap"), _folder.Combine("nowhere"));
        using var catalog = new ImageCatalog(_folder.FullPath, new AcceptAll(), maxImageBytes: 1000);

        var snapshot = catalog.Reload();

        Assert.Equal("good.cap", Assert.Single(snapshot.Images).Name);
        Assert.Equal(new[]
        {
            ("big.cap", "larger than the limit of 1000 bytes (--max-image-size)"),
            ("dangling.cap", "No such file or directory"),
            ("empty.cap", "empty file"),
            ("fifo.cap", "not a regular file (a FIFO)"),
            ("zero.cap", "not a regular file (a character device, via symlink to /dev/zero)"),
        }, snapshot.Rejected.Select(r => (r.Name, r.Reason)).OrderBy(r => r.Name));
    }

    [Fact]
    public void Reload_VerifierThrows_RejectionNotException()
    {
        File.WriteAllBytes(_folder.Combine("a.cap"), new byte[100]);
        using var catalog = new ImageCatalog(_folder.FullPath, new Broken());
        var snapshot = catalog.Reload();
        Assert.Empty(snapshot.Images);
        Assert.Equal("verifier failed: InvalidOperationException: verifier bug", Assert.Single(snapshot.Rejected).Reason);
    }
}
