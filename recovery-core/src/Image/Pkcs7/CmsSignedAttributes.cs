using System;
using UefiRecovery.Core.Asn1;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// Checks a SignerInfo's signedAttrs (RFC 5652 5.3, 11): SET OF Attribute ::= SEQUENCE { attrType,
/// attrValues SET OF }, with exactly one content-type (single value id-data) and exactly one
/// message-digest (single 32-byte OCTET STRING). Other attributes (signingTime, S/MIME capabilities)
/// are covered by the signature but not interpreted.
/// </summary>
internal static class CmsSignedAttributes
{
    public static Pkcs7Failure TryGetMessageDigest(ReadOnlySpan<byte> signedAttributesEncoded, out ReadOnlySpan<byte> messageDigest)
    {
        messageDigest = default;
        DerReader outer = new DerReader(signedAttributesEncoded);
        // SignedAttributes ::= SET SIZE (1..MAX) OF Attribute, here IMPLICIT [0].
        if (!outer.TryReadConstructed(DerTag.ContextConstructed(0), out DerReader attributes)
            || !outer.TryReadEnd()
            || !attributes.HasData)
        {
            return Pkcs7Failure.MalformedSignedAttributes;
        }

        int contentTypeCount = 0;
        int messageDigestCount = 0;
        ReadOnlySpan<byte> digest = default;
        while (attributes.HasData)
        {
            if (!attributes.TryReadSequence(out DerReader attribute)
                || !attribute.TryReadObjectIdentifier(out ReadOnlySpan<byte> type)
                || !attribute.TryReadSet(out DerReader values)
                || !attribute.TryReadEnd()
                || !values.HasData)
            {
                return Pkcs7Failure.MalformedSignedAttributes;
            }

            if (type.SequenceEqual(Pkcs7Oids.ContentTypeAttribute))
            {
                contentTypeCount++;
                if (!values.TryReadObjectIdentifier(out ReadOnlySpan<byte> contentType)
                    || !values.TryReadEnd()
                    || !contentType.SequenceEqual(Pkcs7Oids.Data))
                {
                    return Pkcs7Failure.InvalidContentTypeAttribute;
                }
            }
            else if (type.SequenceEqual(Pkcs7Oids.MessageDigestAttribute))
            {
                messageDigestCount++;
                if (!values.TryReadOctetString(out digest) || !values.TryReadEnd() || digest.Length != 32)
                {
                    return Pkcs7Failure.InvalidMessageDigestAttribute;
                }
            }
            else
            {
                while (values.HasData)
                {
                    if (!values.TryReadEncodedValue(out _))
                    {
                        return Pkcs7Failure.MalformedSignedAttributes;
                    }
                }
            }
        }

        if (contentTypeCount != 1)
        {
            return Pkcs7Failure.InvalidContentTypeAttribute;
        }
        if (messageDigestCount != 1)
        {
            return Pkcs7Failure.InvalidMessageDigestAttribute;
        }
        messageDigest = digest;
        return Pkcs7Failure.None;
    }
}
