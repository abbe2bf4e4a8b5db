namespace UefiRecovery.Core.Asn1;

/// <summary>
/// Why a DER decode failed. Every decoder returns one of these instead of throwing;
/// <see cref="Ok"/> is the only success value.
/// </summary>
public enum DerStatus : byte
{
    Ok = 0,

    /// <summary>The element (header or content) runs past the end of the input.</summary>
    Truncated,

    /// <summary>Tag number 31 (high-tag-number form, X.690 8.1.2.4): nothing we parse uses it.</summary>
    HighTagNumberUnsupported,

    /// <summary>Tag byte 0x00 (end-of-contents): only meaningful with indefinite lengths, never in DER.</summary>
    EndOfContentsTag,

    /// <summary>Length octet 0x80: indefinite form, forbidden by DER (X.690 10.1).</summary>
    IndefiniteLength,

    /// <summary>Long-form length that is not the shortest encoding (X.690 10.1, 8.1.3.5).</summary>
    NonMinimalLength,

    /// <summary>Length needs more than 31 bits, or uses the reserved octet 0xFF (X.690 8.1.3.5 c).</summary>
    LengthTooLarge,

    /// <summary>The element's tag is not the one the schema expects here.</summary>
    UnexpectedTag,

    /// <summary>INTEGER with no content octets or a redundant leading 0x00/0xFF (X.690 8.3.2).</summary>
    InvalidInteger,

    /// <summary>INTEGER is negative or too large for the requested representation.</summary>
    IntegerOutOfRange,

    /// <summary>OBJECT IDENTIFIER empty, with a 0x80 padding octet or an unterminated subidentifier (X.690 8.19.2).</summary>
    InvalidObjectIdentifier,

    /// <summary>BIT STRING without the unused-bits octet, more than 7 unused bits, or non-zero unused bits (X.690 8.6.2, 11.2).</summary>
    InvalidBitString,

    /// <summary>BIT STRING with unused bits where whole octets are required (keys, signatures).</summary>
    BitStringNotOctetAligned,

    /// <summary>BOOLEAN whose content is not exactly one octet 0x00 or 0xFF (X.690 8.2, 11.1).</summary>
    InvalidBoolean,

    /// <summary>NULL with content octets (X.690 8.8).</summary>
    InvalidNull,

    /// <summary>Well-formed element whose value is not the one required here (for example another OID).</summary>
    UnexpectedValue,

    /// <summary>Bytes remain after the last element the schema allows.</summary>
    TrailingData,
}
