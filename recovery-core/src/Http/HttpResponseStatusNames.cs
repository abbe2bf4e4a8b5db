namespace UefiRecovery.Core.Http;

/// <summary>The word a console line prints for an <see cref="HttpResponseStatus"/>.</summary>
public static class HttpResponseStatusNames
{
    public static string Name(HttpResponseStatus status) => status switch
    {
        HttpResponseStatus.NeedMore => "incomplete",
        HttpResponseStatus.Complete => "complete",
        HttpResponseStatus.Malformed => "malformed",
        HttpResponseStatus.StatusNotOk => "http-status",
        HttpResponseStatus.Redirect => "redirect-not-followed",
        HttpResponseStatus.NoLength => "no-content-length",
        HttpResponseStatus.ConflictingLength => "bad-content-length",
        HttpResponseStatus.UnsupportedTransferCoding => "unsupported-transfer-coding",
        HttpResponseStatus.TooLarge => "too-large",
        HttpResponseStatus.HeaderTooLong => "header-too-long",
        HttpResponseStatus.Truncated => "truncated",
        HttpResponseStatus.ExcessData => "more-than-content-length",
        _ => "unknown",
    };
}
