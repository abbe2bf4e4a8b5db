namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>The names the console prints for <see cref="BlobUploadStatus"/> and the steps of an upload.</summary>
public static class BlobUploadStatusNames
{
    public static string Name(BlobUploadStatus status) => status switch
    {
        BlobUploadStatus.Stored => "stored",
        BlobUploadStatus.CommandFailed => "command-failed",
        BlobUploadStatus.NotAcknowledged => "not-acknowledged",
        BlobUploadStatus.CommitError => "commit-error",
        BlobUploadStatus.SizeMismatch => "size-mismatch",
        _ => "unknown",
    };

    public static string Step(BlobSubcommand step) => step switch
    {
        BlobSubcommand.GetCount => "get-count",
        BlobSubcommand.Enumerate => "enumerate",
        BlobSubcommand.Open => "open",
        BlobSubcommand.Read => "read",
        BlobSubcommand.Write => "write",
        BlobSubcommand.Commit => "commit",
        BlobSubcommand.Close => "close",
        BlobSubcommand.Delete => "delete",
        BlobSubcommand.Stat => "stat",
        BlobSubcommand.SessionStat => "session-stat",
        _ => "other",
    };
}
