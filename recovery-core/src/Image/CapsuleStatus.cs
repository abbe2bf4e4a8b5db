namespace UefiRecovery.Core.Image;

/// <summary>
/// Why a capsule was accepted or rejected. The numbers are stable reason codes (logged, sent over the
/// wire, listed in docs/image-format.md): 1xx parse, 2xx authentication, 3xx policy.
/// <see cref="CapsuleStatusText.Describe"/> gives the human message.
/// </summary>
public enum CapsuleStatus
{
    /// <summary>Never returned: the default value is not a success.</summary>
    None = 0,

    /// <summary>Parsed (parser) or accepted: parsed, authenticated and allowed by policy (verifier).</summary>
    Ok = 1,

    // --- 1xx: structure (UEFI 2.10 section 23.3, EDK2 DxeCapsuleLibFmp ValidateFmpCapsule) ---
    CapsuleHeaderTruncated = 100,
    NotFmpCapsule = 101,
    CapsuleImageSizeMismatch = 102,
    CapsuleHeaderSizeInvalid = 103,
    FmpHeaderTruncated = 110,
    FmpHeaderVersionUnsupported = 111,
    FmpNoItems = 112,
    EmbeddedDriversUnsupported = 113,
    PayloadCountUnsupported = 114,
    ItemOffsetListTruncated = 115,
    ItemOffsetOutOfRange = 116,
    ImageHeaderTruncated = 120,
    ImageHeaderVersionUnsupported = 121,
    ImageSizeMismatch = 122,
    AuthenticationTruncated = 130,
    CertLengthInvalid = 131,
    CertRevisionUnsupported = 132,
    CertificateTypeNotGuid = 133,
    CertTypeUnsupported = 134,
    DependencyTruncated = 140,
    DependencyUnknownOpcode = 141,
    DependencyNoEnd = 142,
    PayloadHeaderTruncated = 150,
    PayloadHeaderSignatureInvalid = 151,
    PayloadHeaderSizeInvalid = 152,

    // --- 2xx: authentication (EDK2 SecurityPkg FmpAuthenticationLib*) ---
    Rsa2048CertLengthInvalid = 200,
    Rsa2048HashTypeUnsupported = 201,
    PublicKeyNotTrusted = 202,
    SignatureInvalid = 203,
    // 204 is reserved (was "PKCS7 not supported yet" while no PKCS7 verifier was built in).
    Pkcs7NoTrustedRoot = 205,
    Pkcs7VerificationFailed = 206,

    // --- 3xx: policy against the target device (EDK2 FmpDxe CheckTheImage, NIST SP 800-147/193) ---
    ImageTypeMismatch = 300,
    ImageIndexMismatch = 301,
    HardwareInstanceMismatch = 302,
    VersionBelowOwnLowestSupported = 303,
    RollbackBelowStoredLowestSupported = 304,
    PayloadEmpty = 305,
    PayloadTooLarge = 306,
    DependencyMalformed = 307,
    DependencyNotSatisfied = 308,
    /// <summary>The dependency names this machine's own image type, whose installed version cannot be read (0).</summary>
    DependencyInstalledVersionUnknown = 309,
}
