using System.Text;
using UefiRecovery.Core.Ipmi.Blob;
using Xunit;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>The stage list: which ESP files go to the BMC under which /recovery/ blob id.</summary>
public sealed class StageListTests
{
    [Fact]
    public void TryParse_TwoFilesCommentsBlankCrlf_InOrder()
    {
        var list = new StageList();

        bool parsed = list.TryParse(Encoding.ASCII.GetBytes("# staged after recovery\r\n\\EFI\\stage\\image.cap /recovery/image\r\n\r\n  \\EFI\\stage\\notes.txt\t/recovery/notes.v2  \n"));

        Assert.True(parsed);
        Assert.Equal(2, list.Count);
        Assert.Equal("\\EFI\\stage\\image.cap", list.GetPath(0).ToString());
        Assert.Equal("/recovery/image", Encoding.ASCII.GetString(list.GetBlobId(0)));
        Assert.Equal("\\EFI\\stage\\notes.txt", list.GetPath(1).ToString());
        Assert.Equal("/recovery/notes.v2", Encoding.ASCII.GetString(list.GetBlobId(1)));
    }

    [Theory]
    [InlineData("\\a.cap", 1, "not '\\path\\file /recovery/name'")]
    [InlineData("\\a.cap /flash/image", 1, "blob id is not /recovery/ and a name of letters, digits, '.', '_' or '-' (at most 64 characters)")]
    [InlineData("\\a.cap /recovery/", 1, "blob id is not /recovery/ and a name of letters, digits, '.', '_' or '-' (at most 64 characters)")]
    [InlineData("\\a.cap /recovery/../flash/image", 1, "blob id is not /recovery/ and a name of letters, digits, '.', '_' or '-' (at most 64 characters)")]
    [InlineData("\\a.cap /recovery/a/b", 1, "blob id is not /recovery/ and a name of letters, digits, '.', '_' or '-' (at most 64 characters)")]
    [InlineData("a.cap /recovery/a", 1, "file path does not start with '\\' or is longer than 128 characters")]
    [InlineData("\\x\\..\\a.cap /recovery/a", 1, "file path has spaces, '/', '..' or characters outside printable ASCII")]
    [InlineData("uefirecovery.mode=recover", 1, "not '\\path\\file /recovery/name'")]
    [InlineData("\\a /recovery/a\n\\b /recovery/b\n\\c /recovery/c\n\\d /recovery/d\n\\e /recovery/e", 5, "more than 4 files")]
    [InlineData("# ok\n\\a /recovery/a\n\\b /flash/b", 3, "blob id is not /recovery/ and a name of letters, digits, '.', '_' or '-' (at most 64 characters)")]
    public void TryParse_BadLine_RefusedWholeWithLineAndReason(string text, int line, string reason)
    {
        var list = new StageList();

        Assert.False(list.TryParse(Encoding.ASCII.GetBytes(text)));

        Assert.Equal(0, list.Count);
        Assert.Equal(line, list.ErrorLine);
        Assert.Equal(reason, list.ErrorReason);
    }
}
