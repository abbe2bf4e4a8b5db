using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Image;

/// <summary>
/// EFI_FIRMWARE_IMAGE_AUTHENTICATION (UEFI 2.10 section 23.1): UINT64 MonotonicCount, then
/// WIN_CERTIFICATE_UEFI_GUID { WIN_CERTIFICATE Hdr { dwLength, wRevision, wCertificateType }, CertType, CertData[] }.
/// dwLength counts the WIN_CERTIFICATE_UEFI_GUID from Hdr to the end of CertData.
/// </summary>
public readonly struct FirmwareImageAuthentication(
    ulong monotonicCount, uint length, ushort revision, ushort certificateType, EfiGuid certType)
{
    /// <summary>MonotonicCount + Hdr + CertType.</summary>
    public const int FixedSize = 32;

    /// <summary>Hdr (8) + CertType (16): the smallest dwLength.</summary>
    public const int CertificateHeaderSize = 24;

    public const ushort WinCertificateRevision = 0x0200;
    public const ushort WinCertTypeEfiGuid = 0x0EF1;

    public ulong MonotonicCount { get; } = monotonicCount;

    /// <summary>AuthInfo.Hdr.dwLength.</summary>
    public uint Length { get; } = length;

    /// <summary>AuthInfo.Hdr.wRevision.</summary>
    public ushort Revision { get; } = revision;

    /// <summary>AuthInfo.Hdr.wCertificateType.</summary>
    public ushort CertificateType { get; } = certificateType;

    /// <summary>AuthInfo.CertType.</summary>
    public EfiGuid CertType { get; } = certType;

    /// <summary>Bytes of the whole structure: 8 + dwLength.</summary>
    public int TotalSize => 8 + (int)Length;

    public bool IsRsa2048Sha256 => CertType.Equals(CapsuleGuids.CertTypeRsa2048Sha256);

    public bool IsPkcs7 => CertType.Equals(CapsuleGuids.CertTypePkcs7);

    /// <summary>Reads from the start of the update image; CertData must fit inside it.</summary>
    public static CapsuleStatus TryRead(ReadOnlySpan<byte> updateImage, out FirmwareImageAuthentication authentication)
    {
        authentication = default;
        if (updateImage.Length < FixedSize)
        {
            return CapsuleStatus.AuthenticationTruncated;
        }
        EfiGuid.TryRead(updateImage.Slice(16), out EfiGuid certType);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(updateImage.Slice(8));
        authentication = new FirmwareImageAuthentication(
            BinaryPrimitives.ReadUInt64LittleEndian(updateImage),
            length,
            BinaryPrimitives.ReadUInt16LittleEndian(updateImage.Slice(12)),
            BinaryPrimitives.ReadUInt16LittleEndian(updateImage.Slice(14)),
            certType);
        if (length < CertificateHeaderSize || length > (uint)(updateImage.Length - 8))
        {
            return CapsuleStatus.CertLengthInvalid;
        }
        if (authentication.Revision != WinCertificateRevision)
        {
            return CapsuleStatus.CertRevisionUnsupported;
        }
        if (authentication.CertificateType != WinCertTypeEfiGuid)
        {
            return CapsuleStatus.CertificateTypeNotGuid;
        }
        if (!authentication.IsRsa2048Sha256 && !authentication.IsPkcs7)
        {
            return CapsuleStatus.CertTypeUnsupported;
        }
        return CapsuleStatus.Ok;
    }
}
