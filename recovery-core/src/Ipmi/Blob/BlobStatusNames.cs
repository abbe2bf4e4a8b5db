namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>The names the console prints for <see cref="BlobStatus"/>.</summary>
public static class BlobStatusNames
{
    public static string Name(BlobStatus status) => status switch
    {
        BlobStatus.Ok => "ok",
        BlobStatus.BadRequest => "bad-request",
        BlobStatus.TransferFailed => "transfer-failed",
        BlobStatus.CompletionCode => "completion-code",
        BlobStatus.Short => "short-answer",
        BlobStatus.WrongOen => "wrong-oen",
        BlobStatus.BadCrc => "bad-crc",
        BlobStatus.Oversize => "oversize-read",
        _ => "unknown",
    };
}
