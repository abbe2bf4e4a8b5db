using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Image;

/// <summary>The GUIDs an FMP capsule carries (UEFI 2.10 sections 23.3 and 32.2.4; EDK2 MdePkg/Include/Guid).</summary>
public static class CapsuleGuids
{
    /// <summary>EFI_FIRMWARE_MANAGEMENT_CAPSULE_ID_GUID: the capsule holds an FMP capsule header.</summary>
    public static EfiGuid FmpCapsule => new EfiGuid(0x6dcbd5ed, 0xe82d, 0x4c44, 0xbd, 0xa1, 0x71, 0x94, 0x19, 0x9a, 0xd9, 0x2a);

    /// <summary>EFI_CERT_TYPE_RSA2048_SHA256_GUID: CertData is EFI_CERT_BLOCK_RSA_2048_SHA256.</summary>
    public static EfiGuid CertTypeRsa2048Sha256 => new EfiGuid(0xa7717414, 0xc616, 0x4977, 0x94, 0x20, 0x84, 0x47, 0x12, 0xa7, 0x35, 0xbf);

    /// <summary>EFI_CERT_TYPE_PKCS7_GUID: CertData is a DER PKCS#7 SignedData.</summary>
    public static EfiGuid CertTypePkcs7 => new EfiGuid(0x4aafd29d, 0x68df, 0x49ee, 0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65, 0xa7);

    /// <summary>EFI_HASH_ALGORITHM_SHA256_GUID: the HashType of an RSA2048/SHA256 cert block.</summary>
    public static EfiGuid HashAlgorithmSha256 => new EfiGuid(0x51aa59de, 0xfdf2, 0x4ea3, 0xbc, 0x63, 0x87, 0x5f, 0xb7, 0x84, 0x2e, 0xe9);
}
