using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Instructing;

/// <summary>
/// The written forms of an instruction's target (MAC, SMBIOS UUID, endpoints, image type, version), read by
/// `instruct` and by serve's POST /instructions alike, so both accept and refuse the same text.
/// </summary>
internal static class InstructionText
{
    public static bool TryEndpoint(string? text, ushort defaultPort, out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string host = text.Trim();
        ushort port = defaultPort;
        int colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!ushort.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port == 0) return false;
            host = host.Substring(0, colon);
        }
        if (!IPAddress.TryParse(host, out IPAddress? address) || address.AddressFamily != AddressFamily.InterNetwork) return false;
        endpoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>An endpoint as a manager slot of the instruction (IPv4 as a big-endian number, port).</summary>
    public static DatagramEndpoint ToWire(IPEndPoint endpoint)
    {
        byte[] a = endpoint.Address.GetAddressBytes();
        return new DatagramEndpoint((uint)(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]), (ushort)endpoint.Port);
    }

    public static bool TryManagers(string[] texts, out ManagerList list, out string? problem)
    {
        list = default;
        problem = null;
        if (texts.Length < 1 || texts.Length > ManagerList.MaxCount)
        {
            problem = "--manager: 1 to 4 managers";
            return false;
        }
        foreach (string text in texts)
        {
            if (!TryEndpoint(text, ProtocolConstants.DonorPort, out IPEndPoint? endpoint))
            {
                problem = "--manager " + text + ": not ADDR[:PORT]";
                return false;
            }
            list.TryAdd(ToWire(endpoint!), out list);
        }
        if (!list.IsValid)
        {
            problem = "--manager: 0.0.0.0 and 255.255.255.255 are no manager";
            return false;
        }
        return true;
    }

    /// <summary>52:54:00:12:34:56 (or with dashes); nonzero.</summary>
    public static bool TryMac(string? text, out ulong mac)
    {
        mac = 0;
        if (text is null) return false;
        string[] parts = text.Split(':', '-');
        if (parts.Length != 6) return false;
        foreach (string part in parts)
        {
            if (part.Length != 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b)) return false;
            mac = mac << 8 | b;
        }
        return mac != 0;
    }

    /// <summary>The UUID's text form, its 16 bytes in that order (docs/protocol.md §4.11); neither all zeros nor all ones.</summary>
    public static bool TryUuid(string? text, out SystemUuid uuid)
    {
        uuid = default;
        if (text is null || !Guid.TryParseExact(text, "D", out _)) return false;
        byte[] bytes = Convert.FromHexString(text.Replace("-", "", StringComparison.Ordinal));
        uuid = SystemUuid.Read(bytes);
        return !uuid.IsUnset;
    }

    /// <summary>The UUID as Linux prints /sys/class/dmi/id/product_uuid: lower-case, 8-4-4-4-12.</summary>
    public static string FormatUuid(SystemUuid uuid)
    {
        Span<byte> bytes = stackalloc byte[16];
        uuid.Write(bytes);
        string hex = Convert.ToHexStringLower(bytes);
        return hex[..8] + "-" + hex[8..12] + "-" + hex[12..16] + "-" + hex[16..20] + "-" + hex[20..];
    }

    public static bool TryImageType(string? text, out ImageTypeId type)
    {
        type = default;
        if (text == null) return true;
        if (!Guid.TryParse(text, out Guid guid)) return false;
        byte[] bytes = guid.ToByteArray(); // EFI byte order: the first three fields little-endian
        return ImageTypeId.TryRead(bytes, out type);
    }

    public static bool TryVersion(string? text, out uint version)
    {
        version = 0;
        if (text == null) return true;
        bool parsed = Cli.CliNumber.TryParse(text, uint.MaxValue, out ulong wide); // decimal or 0x hex, as every command
        version = (uint)wide;
        return parsed;
    }

    /// <summary>An instruction id as written by <see cref="Cli.CliFormat.InstructionId"/>, with or without 0x; nonzero.</summary>
    public static bool TryInstructionId(string? text, out ulong id)
    {
        id = 0;
        if (string.IsNullOrEmpty(text)) return false;
        ReadOnlySpan<char> digits = text.AsSpan();
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
        return digits.Length is > 0 and <= 16
            && ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id) && id != 0;
    }
}
