using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Image.Pkcs7;

namespace UefiRecovery.Core.Image;

/// <summary>The answer of <see cref="CapsuleVerifier.Verify"/>: a reason code, its message, and the crypto detail.</summary>
public readonly struct CapsuleVerdict(
    CapsuleStatus status, RsaVerifyResult rsaResult, bool pkcs7Checked, Pkcs7VerifyResult pkcs7Result)
{
    public CapsuleStatus Status { get; } = status;

    /// <summary>For RSA2048 capsules that reached the signature check, the verifier's answer; None otherwise.</summary>
    public RsaVerifyResult RsaResult { get; } = rsaResult;

    /// <summary>True when a PKCS7 signature check ran (only then is <see cref="Pkcs7Result"/> meaningful).</summary>
    public bool Pkcs7Checked { get; } = pkcs7Checked;

    /// <summary>When <see cref="Pkcs7Checked"/>, the last trusted root's answer.</summary>
    public Pkcs7VerifyResult Pkcs7Result { get; } = pkcs7Result;

    public bool IsAccepted => Status == CapsuleStatus.Ok;

    /// <summary>Reason code as a number (stable, see docs/image-format.md).</summary>
    public int Code => (int)Status;

    public string Message => CapsuleStatusText.Describe(Status);

    public static CapsuleVerdict Of(CapsuleStatus status) => new CapsuleVerdict(status, RsaVerifyResult.None, false, default);
}
