namespace UefiRecovery.Core.Image;

/// <summary>One fixed, human-readable message per <see cref="CapsuleStatus"/> (string literals only: no formatting on EFI).</summary>
public static class CapsuleStatusText
{
    public static string Describe(CapsuleStatus status)
    {
        switch (status)
        {
            case CapsuleStatus.Ok: return "accepted";
            case CapsuleStatus.CapsuleHeaderTruncated: return "file is shorter than EFI_CAPSULE_HEADER (28 bytes)";
            case CapsuleStatus.NotFmpCapsule: return "CapsuleGuid is not EFI_FIRMWARE_MANAGEMENT_CAPSULE_ID_GUID";
            case CapsuleStatus.CapsuleImageSizeMismatch: return "CapsuleImageSize does not equal the file size";
            case CapsuleStatus.CapsuleHeaderSizeInvalid: return "EFI_CAPSULE_HEADER.HeaderSize is below 28 or beyond CapsuleImageSize";
            case CapsuleStatus.FmpHeaderTruncated: return "FMP capsule header does not fit after the capsule header";
            case CapsuleStatus.FmpHeaderVersionUnsupported: return "FMP capsule header Version is not 1";
            case CapsuleStatus.FmpNoItems: return "FMP capsule has no drivers and no payloads";
            case CapsuleStatus.EmbeddedDriversUnsupported: return "FMP capsule carries embedded drivers (not supported)";
            case CapsuleStatus.PayloadCountUnsupported: return "FMP capsule must carry exactly one payload item";
            case CapsuleStatus.ItemOffsetListTruncated: return "ItemOffsetList runs past the end of the capsule";
            case CapsuleStatus.ItemOffsetOutOfRange: return "an ItemOffsetList entry points into the header or past the end";
            case CapsuleStatus.ImageHeaderTruncated: return "FMP image header does not fit in its item";
            case CapsuleStatus.ImageHeaderVersionUnsupported: return "FMP image header Version is not 1, 2 or 3";
            case CapsuleStatus.ImageSizeMismatch: return "image header size + UpdateImageSize + UpdateVendorCodeSize does not equal the item size";
            case CapsuleStatus.AuthenticationTruncated: return "update image is shorter than EFI_FIRMWARE_IMAGE_AUTHENTICATION";
            case CapsuleStatus.CertLengthInvalid: return "WIN_CERTIFICATE dwLength is below 24 or runs past the update image";
            case CapsuleStatus.CertRevisionUnsupported: return "WIN_CERTIFICATE wRevision is not 0x0200";
            case CapsuleStatus.CertificateTypeNotGuid: return "WIN_CERTIFICATE wCertificateType is not WIN_CERT_TYPE_EFI_GUID (0x0EF1)";
            case CapsuleStatus.CertTypeUnsupported: return "CertType is neither EFI_CERT_TYPE_RSA2048_SHA256_GUID nor EFI_CERT_TYPE_PKCS7_GUID";
            case CapsuleStatus.DependencyTruncated: return "a dependency opcode's operand runs past the update image";
            case CapsuleStatus.DependencyUnknownOpcode: return "the dependency expression holds an unknown opcode";
            case CapsuleStatus.DependencyNoEnd: return "the dependency expression has no END opcode";
            case CapsuleStatus.PayloadHeaderTruncated: return "FMP payload header does not fit in the update image";
            case CapsuleStatus.PayloadHeaderSignatureInvalid: return "FMP payload header signature is not 'MSS1'";
            case CapsuleStatus.PayloadHeaderSizeInvalid: return "FMP payload header HeaderSize is below 16 or runs past the update image";
            case CapsuleStatus.Rsa2048CertLengthInvalid: return "RSA2048/SHA256 certificate: dwLength is not 0x228";
            case CapsuleStatus.Rsa2048HashTypeUnsupported: return "RSA2048/SHA256 certificate: HashType is not EFI_HASH_ALGORITHM_SHA256_GUID";
            case CapsuleStatus.PublicKeyNotTrusted: return "the SHA-256 of the embedded public key is not in the trust store";
            case CapsuleStatus.SignatureInvalid: return "the RSA signature does not verify over the payload and MonotonicCount";
            case CapsuleStatus.Pkcs7NoTrustedRoot: return "PKCS7 capsule but the trust store holds no root certificate";
            case CapsuleStatus.Pkcs7VerificationFailed: return "the PKCS7 signature does not verify against any trusted root";
            case CapsuleStatus.ImageTypeMismatch: return "UpdateImageTypeId is not the target's image type";
            case CapsuleStatus.ImageIndexMismatch: return "UpdateImageIndex is not the target's image index";
            case CapsuleStatus.HardwareInstanceMismatch: return "UpdateHardwareInstance is neither 0 nor the target's hardware instance";
            case CapsuleStatus.VersionBelowOwnLowestSupported: return "FwVersion is below the capsule's own LowestSupportedVersion";
            case CapsuleStatus.RollbackBelowStoredLowestSupported: return "rollback: FwVersion is below the stored LowestSupportedVersion";
            case CapsuleStatus.PayloadEmpty: return "the payload is empty";
            case CapsuleStatus.PayloadTooLarge: return "the payload is larger than the target region";
            case CapsuleStatus.DependencyMalformed: return "the dependency expression cannot be evaluated (stack or type error)";
            case CapsuleStatus.DependencyNotSatisfied: return "the dependency expression evaluates to FALSE for this machine";
            case CapsuleStatus.DependencyInstalledVersionUnknown: return "the dependency expression needs the installed version, which this machine cannot read";
            default: return "no verdict";
        }
    }
}
