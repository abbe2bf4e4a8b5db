using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using UefiRecovery.Core.Image;

namespace UefiRecovery.Manager.Images;

/// <summary>Every header field of a parsed capsule, as sections of name/value pairs, printed as text or JSON.</summary>
internal static class CapsuleReport
{
    public sealed record Field(string Name, object Value);

    public sealed record Section(string Name, IReadOnlyList<Field> Fields);

    public static List<Section> Describe(FmpCapsule capsule)
    {
        CapsuleHeader c = capsule.CapsuleHeader;
        FmpCapsuleHeader f = capsule.FmpHeader;
        FmpImageHeader i = capsule.ImageHeader;
        FirmwareImageAuthentication a = capsule.Authentication;
        FmpPayloadHeader p = capsule.PayloadHeader;
        var sections = new List<Section>
        {
            new("EFI_CAPSULE_HEADER", new Field[]
            {
                new("CapsuleGuid", CliValues.Format(c.CapsuleGuid)),
                new("HeaderSize", c.HeaderSize),
                new("Flags", c.Flags),
                new("CapsuleImageSize", c.CapsuleImageSize),
            }),
            new("EFI_FIRMWARE_MANAGEMENT_CAPSULE_HEADER", new Field[]
            {
                new("Offset", (long)c.HeaderSize),
                new("Version", f.Version),
                new("EmbeddedDriverCount", f.EmbeddedDriverCount),
                new("PayloadItemCount", f.PayloadItemCount),
                new("ItemOffsetList[0]", f.PayloadItemOffset),
            }),
            new("EFI_FIRMWARE_MANAGEMENT_CAPSULE_IMAGE_HEADER", new Field[]
            {
                new("Offset", capsule.ImageHeaderOffset),
                new("Version", i.Version),
                new("UpdateImageTypeId", CliValues.Format(i.UpdateImageTypeId)),
                new("UpdateImageIndex", i.UpdateImageIndex),
                new("UpdateImageSize", i.UpdateImageSize),
                new("UpdateVendorCodeSize", i.UpdateVendorCodeSize),
                new("UpdateHardwareInstance", i.UpdateHardwareInstance),
                new("ImageCapsuleSupport", i.ImageCapsuleSupport),
            }),
            new("EFI_FIRMWARE_IMAGE_AUTHENTICATION", new Field[]
            {
                new("Offset", capsule.AuthenticationOffset),
                new("MonotonicCount", a.MonotonicCount),
                new("dwLength", a.Length),
                new("wRevision", a.Revision),
                new("wCertificateType", a.CertificateType),
                new("CertType", CliValues.Format(a.CertType)),
                new("CertTypeName", a.IsRsa2048Sha256 ? "RSA2048_SHA256" : a.IsPkcs7 ? "PKCS7" : "unknown"),
                new("CertDataLength", capsule.CertificateData.Length),
            }),
        };
        if (a.IsRsa2048Sha256 && capsule.CertificateData.Length == CapsuleVerifier.Rsa2048CertBlockSize)
        {
            UefiRecovery.Core.Common.EfiGuid.TryRead(capsule.CertificateData, out var hashType);
            byte[] modulusHash = System.Security.Cryptography.SHA256.HashData(capsule.CertificateData.Slice(16, 256));
            sections.Add(new("EFI_CERT_BLOCK_RSA_2048_SHA256", new Field[]
            {
                new("HashType", CliValues.Format(hashType)),
                new("PublicKeySha256", Convert.ToHexString(modulusHash).ToLowerInvariant()),
                new("PublicKeyFirst16", Convert.ToHexString(capsule.CertificateData.Slice(16, 16)).ToLowerInvariant()),
                new("SignatureFirst16", Convert.ToHexString(capsule.CertificateData.Slice(16 + 256, 16)).ToLowerInvariant()),
            }));
        }
        if (!capsule.Dependency.IsEmpty)
        {
            sections.Add(new("EFI_FIRMWARE_IMAGE_DEP", new Field[]
            {
                new("Offset", capsule.DependencyOffset),
                new("Length", capsule.Dependency.Length),
                new("Bytes", Convert.ToHexString(capsule.Dependency).ToLowerInvariant()),
            }));
        }
        sections.Add(new("FMP_PAYLOAD_HEADER", new Field[]
        {
            new("Offset", capsule.PayloadHeaderOffset),
            new("Signature", Encoding.ASCII.GetString(BitConverter.GetBytes(p.Signature))),
            new("HeaderSize", p.HeaderSize),
            new("FwVersion", p.FwVersion),
            new("LowestSupportedVersion", p.LowestSupportedVersion),
        }));
        sections.Add(new("Payload", new Field[]
        {
            new("Offset", capsule.PayloadOffset),
            new("Length", capsule.Payload.Length),
            new("Sha256", Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(capsule.Payload)).ToLowerInvariant()),
            new("SignedDataLength", capsule.SignedData.Length + 8),
        }));
        return sections;
    }

    public static void WriteText(TextWriter writer, IEnumerable<Section> sections)
    {
        foreach (Section section in sections)
        {
            writer.WriteLine(section.Name);
            foreach (Field field in section.Fields)
            {
                string value = field.Value switch
                {
                    uint u => $"0x{u:X8} ({u})",
                    ulong u => $"0x{u:X16} ({u})",
                    ushort u => $"0x{u:X4} ({u})",
                    byte b => $"0x{b:X2} ({b})",
                    int n => $"0x{n:X} ({n})",
                    long n => $"0x{n:X} ({n})",
                    _ => field.Value.ToString() ?? "",
                };
                writer.WriteLine($"  {field.Name,-24} {value}");
            }
        }
    }

    public static void WriteJson(Utf8JsonWriter json, IEnumerable<Section> sections)
    {
        foreach (Section section in sections)
        {
            json.WriteStartObject(section.Name);
            foreach (Field field in section.Fields)
            {
                switch (field.Value)
                {
                    case uint u: json.WriteNumber(field.Name, u); break;
                    case ulong u: json.WriteNumber(field.Name, u); break;
                    case ushort u: json.WriteNumber(field.Name, u); break;
                    case byte b: json.WriteNumber(field.Name, b); break;
                    case int n: json.WriteNumber(field.Name, n); break;
                    case long n: json.WriteNumber(field.Name, n); break;
                    default: json.WriteString(field.Name, field.Value.ToString()); break;
                }
            }
            json.WriteEndObject();
        }
    }

    public static string ToJson(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
