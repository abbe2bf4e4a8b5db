namespace UefiRecovery.Core.Asn1;

/// <summary>
/// Identifier octets (X.690 8.1.2) of the elements we read, as single bytes:
/// bits 8-7 class, bit 6 constructed, bits 5-1 tag number (low-tag-number form only).
/// </summary>
public static class DerTag
{
    public const byte Boolean = 0x01;
    public const byte Integer = 0x02;
    public const byte BitString = 0x03;
    public const byte OctetString = 0x04;
    public const byte Null = 0x05;
    public const byte ObjectIdentifier = 0x06;
    public const byte UtcTime = 0x17;
    public const byte GeneralizedTime = 0x18;

    /// <summary>SEQUENCE and SEQUENCE OF: universal 16, always constructed.</summary>
    public const byte Sequence = 0x30;

    /// <summary>SET and SET OF: universal 17, always constructed.</summary>
    public const byte Set = 0x31;

    public const byte ConstructedBit = 0x20;
    public const byte ContextSpecificClass = 0x80;

    /// <summary>Tag numbers 0x1F and up use the high-tag-number form (X.690 8.1.2.4).</summary>
    public const byte HighTagNumberMarker = 0x1F;

    /// <summary>[n] constructed: EXPLICIT tagging, or IMPLICIT tagging of a constructed type.</summary>
    public static byte ContextConstructed(int number) => (byte)(ContextSpecificClass | ConstructedBit | (number & 0x1F));

    /// <summary>[n] primitive: IMPLICIT tagging of a primitive type.</summary>
    public static byte ContextPrimitive(int number) => (byte)(ContextSpecificClass | (number & 0x1F));
}
