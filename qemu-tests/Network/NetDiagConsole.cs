using System.Text.RegularExpressions;

namespace UefiRecovery.QemuTests.Network;

/// <summary>
/// The netdiag mode's console lines (docs/netstack.md, "On the machine: netdiag") and OEM strings:
/// the host-side mirror of efi-app/src/Network/NetDiag/NetDiagMode.cs.
/// </summary>
public static class NetDiagConsole
{
    public const string ModeOemString = "uefirecovery.mode=netdiag";

    public static string TimeoutOemString(int seconds) => "uefirecovery.netdiag.timeout=" + seconds;

    public static readonly Regex Begin = new("^NETDIAG BEGIN timeout=\\d+s$");

    public static readonly Regex Nic = new(
        "^NETDIAG NIC mac=(?<mac>[0-9a-f:]{17}) mtu=(?<mtu>\\d+) media=(?<media>present|absent|unknown) " +
        "driver=\"(?<driver>[^\"]*)\" displaced=\"(?<displaced>[^\"]*)\" state-at-open=(?<state>\\w+) .*$");

    public static readonly Regex Lease = new(
        "^NETDIAG LEASE ip=(?<ip>[\\d.]+) mask=(?<mask>[\\d.]+) router=(?<router>[\\d.]+|none) server=(?<server>[\\d.]+) " +
        "lease=(?<lease>\\d+)s manager=(?<manager>[\\d.:]+|none)$");

    public static readonly Regex Static = new(
        "^NETDIAG STATIC ip=(?<ip>[\\d.]+) mask=(?<mask>[\\d.]+) router=(?<router>[\\d.]+|none)$");

    public static readonly Regex Manager = new(
        "^NETDIAG MANAGER addr=(?<addr>[\\d.]+) port=(?<port>\\d+) source=(?<source>config|dhcp) nexthop=(?<hop>[\\d.]+) " +
        "arp=(?<arp>answered|no-answer)( mac=(?<mac>[0-9a-f:]{17}))? ping=(?<ping>answered|no-answer|skipped)( rtt=\\d+ms)?$");

    public static readonly Regex Ready = new("^NETDIAG READY ip=(?<ip>[\\d.]+) echo-port=7 timeout=(?<timeout>\\d+)s$");

    public static readonly Regex Stats = new(
        "^NETDIAG STATS rx=(?<rx>\\d+) .* echo-replies=(?<echo>\\d+) arp-replies=\\d+ udp-echoed=(?<udp>\\d+) .*$");

    public static readonly Regex Done = new("^NETDIAG DONE reason=(?<reason>[\\w-]+)$");

    public static readonly Regex Fail = new("^NETDIAG FAIL ");

    /// <summary>Who provides SNP for each NIC setup (EFI_COMPONENT_NAME2 of the producing driver), as seen with
    /// Debian 12's ovmf 2022.11 and ipxe-qemu ROMs.</summary>
    public static string ExpectedDriver(UefiRecovery.Testbed.Qemu.NicModel model) => model switch
    {
        UefiRecovery.Testbed.Qemu.NicModel.VirtioNetOvmfDriver => "Virtio Network Driver",
        UefiRecovery.Testbed.Qemu.NicModel.VirtioNetIpxe => "virtio-net.efidrv",
        _ => "82540em.efidrv",
    };
}
