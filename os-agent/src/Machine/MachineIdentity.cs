using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Agent.Machine;

/// <summary>
/// Who this machine is, read from sysfs each time an instruction arrives (a NIC may have come or gone): the
/// SMBIOS system UUID and BIOS version (<c>/sys/class/dmi/id/product_uuid</c>, <c>bios_version</c>) and the
/// MACs of its NICs (<c>/sys/class/net/*/address</c>, loopback and all-zero addresses skipped).
/// </summary>
internal sealed class MachineIdentity
{
    private MachineIdentity(SystemUuid? uuid, List<ulong> macs, List<string> nics, string biosVersion, string problem)
    {
        Uuid = uuid;
        _macs = macs;
        _nics = nics;
        BiosVersion = biosVersion;
        Problem = problem;
    }

    /// <summary>The system UUID, or null when it is unreadable (product_uuid is root-only) or unset.</summary>
    public SystemUuid? Uuid { get; }

    private readonly List<ulong> _macs;
    private readonly List<string> _nics;

    public IReadOnlyList<ulong> Macs => _macs;

    /// <summary>SMBIOS type 0 BIOS version, printable ASCII, at most 64 characters ("" if unknown).</summary>
    public string BiosVersion { get; }

    /// <summary>What could not be read, for the log ("" when everything was).</summary>
    public string Problem { get; }

    public bool HasMac(ulong mac) => _macs.Contains(mac);

    /// <summary>
    /// The MAC an inventory report names: of the NICs in name order (ordinal: eno1 before enp3s0 before wlan0), the
    /// first with a globally administered unicast MAC (first octet's bits 0 and 1 clear), so a bridge, veth or VPN
    /// device with a random local MAC is not taken for the machine; when no NIC has one (a VM: QEMU's 52:54:00:… is
    /// locally administered), the first unicast MAC. False when there is none.
    /// </summary>
    public bool TryReportingMac(out ulong mac, out string nic)
    {
        foreach (bool globalOnly in new[] { true, false })
        {
            for (int i = 0; i < _macs.Count; i++)
            {
                if (IsUnicast(_macs[i]) && (!globalOnly || IsGlobal(_macs[i])))
                {
                    mac = _macs[i];
                    nic = _nics[i];
                    return true;
                }
            }
        }
        mac = 0;
        nic = "";
        return false;
    }

    private static bool IsUnicast(ulong mac) => mac != 0 && (mac >> 48) == 0 && ((mac >> 40) & 0x01) == 0;

    private static bool IsGlobal(ulong mac) => ((mac >> 40) & 0x02) == 0;


    public static MachineIdentity Read(string dmiRoot, string netRoot)
    {
        var problems = new List<string>();
        SystemUuid? uuid = null;
        string uuidPath = Path.Combine(dmiRoot, "product_uuid");
        try
        {
            if (TryParseUuid(File.ReadAllText(uuidPath).Trim(), out SystemUuid parsed) && !parsed.IsUnset)
            {
                uuid = parsed;
            }
            else
            {
                problems.Add(uuidPath + " holds no usable UUID");
            }
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            problems.Add(uuidPath + ": " + e.Message);
        }
        var macs = new List<ulong>();
        var nics = new List<string>();
        if (Directory.Exists(netRoot))
        {
            string[] directories = Directory.GetDirectories(netRoot);
            Array.Sort(directories, StringComparer.Ordinal);
            foreach (string nic in directories)
            {
                string addressPath = Path.Combine(nic, "address");
                if (File.Exists(addressPath) && TryParseMac(File.ReadAllText(addressPath).Trim(), out ulong mac) && mac != 0)
                {
                    macs.Add(mac);
                    nics.Add(Path.GetFileName(nic));
                }
            }
        }
        else
        {
            problems.Add(netRoot + " does not exist");
        }
        string version = "";
        string versionPath = Path.Combine(dmiRoot, "bios_version");
        if (File.Exists(versionPath))
        {
            version = Printable(File.ReadAllText(versionPath).Trim(), AgentReportMessage.MaxVersionLength);
        }
        return new MachineIdentity(uuid, macs, nics, version, string.Join("; ", problems));
    }

    /// <summary>"5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41" → the 16 bytes in text order (docs/protocol.md §4.11).</summary>
    public static bool TryParseUuid(string text, out SystemUuid uuid)
    {
        uuid = default;
        string hex = text.Replace("-", "", StringComparison.Ordinal);
        if (text.Length != 36 || hex.Length != 32 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')
        {
            return false;
        }
        if (!ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong high)
            || !ulong.TryParse(hex.AsSpan(16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong low))
        {
            return false;
        }
        uuid = new SystemUuid(high, low);
        return true;
    }

    public static string FormatUuid(SystemUuid uuid)
    {
        string hex = uuid.High.ToString("x16", CultureInfo.InvariantCulture) + uuid.Low.ToString("x16", CultureInfo.InvariantCulture);
        return hex.Substring(0, 8) + "-" + hex.Substring(8, 4) + "-" + hex.Substring(12, 4) + "-" + hex.Substring(16, 4) + "-" + hex.Substring(20);
    }

    /// <summary>"52:54:00:12:34:56" → 0x525400123456.</summary>
    public static bool TryParseMac(string text, out ulong mac)
    {
        mac = 0;
        string[] parts = text.Split(':');
        if (parts.Length != 6)
        {
            return false;
        }
        foreach (string part in parts)
        {
            if (part.Length != 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }
            mac = (mac << 8) | b;
        }
        return true;
    }

    public static string FormatMac(ulong mac)
    {
        var text = new StringBuilder(17);
        for (int i = 5; i >= 0; i--)
        {
            text.Append(((byte)(mac >> (8 * i))).ToString("x2", CultureInfo.InvariantCulture));
            if (i > 0)
            {
                text.Append(':');
            }
        }
        return text.ToString();
    }

    private static string Printable(string text, int max)
    {
        var result = new StringBuilder(Math.Min(text.Length, max));
        foreach (char c in text)
        {
            if (result.Length == max)
            {
                break;
            }
            result.Append(c >= 0x20 && c <= 0x7E ? c : '?');
        }
        return result.ToString();
    }
}
