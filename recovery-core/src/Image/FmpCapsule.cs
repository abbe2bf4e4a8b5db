using System;

namespace UefiRecovery.Core.Image;

/// <summary>
/// A parsed FMP capsule: every header plus views (no copies) into the caller's buffer. Produced only by
/// <see cref="CapsuleParser.TryParse"/>, which has already checked every length and offset, so the
/// accessors cannot fail. Offsets are from the start of the file.
/// </summary>
public readonly ref struct FmpCapsule
{
    public FmpCapsule(
        CapsuleHeader capsuleHeader,
        FmpCapsuleHeader fmpHeader,
        FmpImageHeader imageHeader,
        FirmwareImageAuthentication authentication,
        FmpPayloadHeader payloadHeader,
        int imageHeaderOffset,
        int authenticationOffset,
        int dependencyLength,
        ReadOnlySpan<byte> file)
    {
        CapsuleHeader = capsuleHeader;
        FmpHeader = fmpHeader;
        ImageHeader = imageHeader;
        Authentication = authentication;
        PayloadHeader = payloadHeader;
        ImageHeaderOffset = imageHeaderOffset;
        AuthenticationOffset = authenticationOffset;
        int certificateDataOffset = authenticationOffset + FirmwareImageAuthentication.FixedSize;
        int signedOffset = authenticationOffset + authentication.TotalSize;
        int updateImageEnd = authenticationOffset + (int)imageHeader.UpdateImageSize;
        DependencyOffset = signedOffset;
        PayloadHeaderOffset = signedOffset + dependencyLength;
        PayloadOffset = PayloadHeaderOffset + (int)payloadHeader.HeaderSize;
        CertificateData = file.Slice(certificateDataOffset, signedOffset - certificateDataOffset);
        SignedData = file.Slice(signedOffset, updateImageEnd - signedOffset);
        Dependency = file.Slice(signedOffset, dependencyLength);
        Payload = file.Slice(PayloadOffset, updateImageEnd - PayloadOffset);
        VendorCode = file.Slice(updateImageEnd, (int)imageHeader.UpdateVendorCodeSize);
    }

    public CapsuleHeader CapsuleHeader { get; }

    public FmpCapsuleHeader FmpHeader { get; }

    public FmpImageHeader ImageHeader { get; }

    public FirmwareImageAuthentication Authentication { get; }

    public FmpPayloadHeader PayloadHeader { get; }

    public int ImageHeaderOffset { get; }

    public int AuthenticationOffset { get; }

    public int DependencyOffset { get; }

    public int PayloadHeaderOffset { get; }

    public int PayloadOffset { get; }

    /// <summary>AuthInfo.CertData: the RSA2048 cert block or the DER PKCS#7 SignedData.</summary>
    public ReadOnlySpan<byte> CertificateData { get; }

    /// <summary>
    /// What the signature covers, apart from the trailing MonotonicCount: everything after the authentication
    /// to the end of the update image (dependency, FMP payload header, payload), as EDK2 FmpAuthenticationLib hashes it.
    /// </summary>
    public ReadOnlySpan<byte> SignedData { get; }

    /// <summary>The dependency expression including END; empty when absent.</summary>
    public ReadOnlySpan<byte> Dependency { get; }

    /// <summary>The firmware bytes to write.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Vendor code after the update image (not signed, never used).</summary>
    public ReadOnlySpan<byte> VendorCode { get; }
}
