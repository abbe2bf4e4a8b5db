namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>The names the console prints for <see cref="BlobUploadStatus"/>, <see cref="BlobDownloadStatus"/>, <see cref="BmcImageOfferStatus"/> and the steps.</summary>
public static class BlobTransferNames
{
    public static string Name(BlobDownloadStatus status) => status switch
    {
        BlobDownloadStatus.Read => "read",
        BlobDownloadStatus.Absent => "absent",
        BlobDownloadStatus.NotCommitted => "not-committed",
        BlobDownloadStatus.TooLarge => "too-large",
        BlobDownloadStatus.CommandFailed => "command-failed",
        BlobDownloadStatus.EndedEarly => "ended-early",
        BlobDownloadStatus.TooSlow => "too-slow",
        _ => "unknown",
    };

    public static string Name(BlobUploadStatus status) => status switch
    {
        BlobUploadStatus.Stored => "stored",
        BlobUploadStatus.CommandFailed => "command-failed",
        BlobUploadStatus.NotAcknowledged => "not-acknowledged",
        BlobUploadStatus.CommitError => "commit-error",
        BlobUploadStatus.SizeMismatch => "size-mismatch",
        BlobUploadStatus.TooSlow => "too-slow",
        _ => "unknown",
    };

    public static string Name(BmcImageOfferStatus status) => status switch
    {
        BmcImageOfferStatus.NoClaim => "none",
        BmcImageOfferStatus.Acceptable => "acceptable",
        BmcImageOfferStatus.WrongImageType => "wrong-image-type",
        BmcImageOfferStatus.BelowFloor => "below-floor",
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
