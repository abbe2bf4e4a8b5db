using System;
using System.Text;
using UefiRecovery.Core.Asn1;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// Names the DER element a byte offset belongs to, as the child indices from the outermost element
/// ("1.0.4.0.3" = ContentInfo → [0] → SignedData → signerInfos → SignerInfo → signedAttrs), with "/h" when
/// the byte is in that element's identifier or length octets. Used to say which field a mutation hit.
/// </summary>
internal static class DerPath
{
    /// <summary>How deep to descend: far enough for every field of a certificate extension.</summary>
    private const int MaxDepth = 16;

    public static string Of(ReadOnlySpan<byte> der, int offset)
    {
        var path = new StringBuilder();
        Descend(der, 0, offset, path, 0, isRoot: true);
        return path.ToString().TrimStart('.');
    }

    private static void Descend(ReadOnlySpan<byte> content, int contentStart, int offset, StringBuilder path, int depth, bool isRoot)
    {
        int position = 0;
        int index = 0;
        while (position < content.Length)
        {
            if (DerDecoder.ReadEncodedValue(content.Slice(position), out byte tag, out int header, out int length, out int consumed) != DerStatus.Ok)
            {
                path.Append(isRoot ? "" : ".").Append('?');
                return;
            }
            int start = contentStart + position;
            if (offset < start + consumed)
            {
                if (!isRoot) path.Append('.').Append(index);
                if (offset < start + header)
                {
                    path.Append("/h");
                }
                else if ((tag & DerTag.ConstructedBit) != 0 && depth < MaxDepth)
                {
                    Descend(content.Slice(position + header, length), start + header, offset, path, depth + 1, isRoot: false);
                }
                return;
            }
            position += consumed;
            index++;
        }
    }
}
