namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>Outcome of <see cref="Pkcs7Verifier.Verify"/>: accepted only when <see cref="Failure"/> is None.</summary>
public readonly struct Pkcs7VerifyResult
{
    public Pkcs7VerifyResult(Pkcs7Failure failure, X509Status certificateStatus)
    {
        Failure = failure;
        CertificateStatus = certificateStatus;
        _constructed = true;
    }

    // Fail closed: default(Pkcs7VerifyResult) has Failure == None but was never produced by the
    // verifier, so it must not read as verified.
    private readonly bool _constructed;

    public Pkcs7Failure Failure { get; }

    /// <summary>For certificate failures, what exactly the X.509 parser refused; Ok otherwise.</summary>
    public X509Status CertificateStatus { get; }

    public bool IsVerified => _constructed && Failure == Pkcs7Failure.None;

    public string Message => Pkcs7FailureMessages.For(Failure);

    public static Pkcs7VerifyResult Verified => new Pkcs7VerifyResult(Pkcs7Failure.None, X509Status.Ok);

    public static Pkcs7VerifyResult Fail(Pkcs7Failure failure) => new Pkcs7VerifyResult(failure, X509Status.Ok);
}
