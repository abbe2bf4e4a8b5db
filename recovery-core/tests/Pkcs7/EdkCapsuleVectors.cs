using System;
using System.Buffers.Binary;
using System.IO;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// The EDK2 FMP capsule set in ../shared/vectors/edk2-capsules (read at run time, never copied), and
/// the documented PKCS7 layout (README.txt there): WIN_CERTIFICATE.dwLength at 0x68, CertData at
/// 0x80 of length dwLength - 24, signed bytes = file[0x68 + dwLength .. 0x60 + UpdateImageSize)
/// followed by the UINT64 MonotonicCount at 0x60.
/// </summary>
internal static class EdkCapsuleVectors
{
    public const string CapsuleA = "pkcs7/A_pkcs7_payload4k.cap";
    public const string CapsuleB = "pkcs7/B_pkcs7_ovmfvars.cap";
    public const string CapsuleC = "pkcs7/C_pkcs7_payload4k_TAMPERED.cap";
    public const string CapsuleD = "pkcs7/D_pkcs7_untrustedchain_payload4k.cap";

    private const int MonotonicCountOffset = 0x60;
    private const int UpdateImageSizeOffset = 0x48;
    private const int DwLengthOffset = 0x68;
    private const int CertDataOffset = 0x80;
    private const int WinCertificateUefiGuidHeaderSize = 24;

    public static string Root
    {
        get
        {
            foreach (AssemblyMetadataAttribute attribute in typeof(EdkCapsuleVectors).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            {
                if (attribute.Key == "SharedDir" && attribute.Value is not null)
                {
                    return Path.Combine(attribute.Value, "vectors", "edk2-capsules");
                }
            }
            throw new InvalidOperationException("SharedDir assembly metadata is missing (tests.props)");
        }
    }

    public static byte[] Read(string relative) => File.ReadAllBytes(Path.Combine(Root, relative));

    public static byte[] TestRootDer => Read("keys/edk2-pkcs7-test/TestRoot.cer");

    public static byte[] UntrustedRootDer => PemCertificateDer("keys/untrusted-pkcs7/UntrustedRoot.pub.pem");

    public static byte[] PemCertificateDer(string relative)
        => X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Root, relative))).RawData;

    /// <summary>CertData of a capsule in the documented layout, or null when its header lies.</summary>
    public static bool TryLocate(byte[] capsule, out int certDataOffset, out int certDataLength, out int signedStart, out int signedEnd)
    {
        certDataOffset = CertDataOffset;
        certDataLength = 0;
        signedStart = 0;
        signedEnd = 0;
        if (capsule.Length < CertDataOffset)
        {
            return false;
        }
        uint dwLength = BinaryPrimitives.ReadUInt32LittleEndian(capsule.AsSpan(DwLengthOffset));
        uint updateImageSize = BinaryPrimitives.ReadUInt32LittleEndian(capsule.AsSpan(UpdateImageSizeOffset));
        long end = MonotonicCountOffset + (long)updateImageSize;
        long start = DwLengthOffset + (long)dwLength;
        if (dwLength < WinCertificateUefiGuidHeaderSize || end > capsule.Length || start > end)
        {
            return false;
        }
        certDataLength = (int)dwLength - WinCertificateUefiGuidHeaderSize;
        signedStart = (int)start;
        signedEnd = (int)end;
        return true;
    }

    public static byte[] CertData(byte[] capsule)
    {
        if (!TryLocate(capsule, out int offset, out int length, out _, out _))
        {
            throw new InvalidDataException("capsule layout");
        }
        return capsule.AsSpan(offset, length).ToArray();
    }

    /// <summary>SHA-256(file[FMP_PAYLOAD_HEADER .. image end] || UINT64 LE MonotonicCount), computed with the BCL.</summary>
    public static byte[] SignedContentDigest(byte[] capsule)
    {
        if (!TryLocate(capsule, out _, out _, out int start, out int end))
        {
            throw new InvalidDataException("capsule layout");
        }
        return SignedContentDigest(capsule, start, end);
    }

    public static byte[] SignedContentDigest(byte[] capsule, int start, int end)
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(capsule, start, end - start);
        hash.AppendData(capsule, MonotonicCountOffset, 8);
        return hash.GetHashAndReset();
    }
}
