namespace UefiRecovery.Efi.Services.Network;

/// <summary>
/// The one network bring-up every mode uses before it talks UDP: open the first NIC exclusively through SNP
/// (skipping UefiPxeBcDxe's aliases of the same interface, see docs/netstack.md), build the interface, and
/// get an address (static <c>uefirecovery.ip</c>, else DHCP). What it prints is the <see cref="NicReport"/>'s:
/// terse for recovery, verbose for netdiag.
/// </summary>
internal static class NetworkBringUp
{
    /// <summary>DISCOVERs at 4, 8, 16, 32 s fit in.</summary>
    public const int DhcpWaitSeconds = 90;

    /// <summary>Opens the first distinct SNP interface that initializes; null (with a FAIL line) when none does.</summary>
    public static SnpFrameDevice? OpenFirstNic(UefiBootServices boot, NicReport report)
    {
        using SimpleNetworkHandles handles = SimpleNetworkHandles.Locate(boot);
        if (!handles.IsSuccess)
        {
            report.NoSnpHandle();
            return null;
        }
        report.Handles(handles);
        SnpFrameDevice? opened = null;
        for (int i = 0; i < handles.Count && opened == null; i++)
        {
            // Only the first handle of an interface is tried (the NIC's own).
            if (handles.IsAliasOfEarlier(i))
                continue;
            report.BeforeOpen(handles, i);
            SnpOpenStatus status = SnpFrameDevice.TryOpen(boot, handles[i], out SnpFrameDevice? device, out EfiStatus efiStatus);
            if (status != SnpOpenStatus.Ok || device == null)
            {
                report.Skipped(i, status, efiStatus);
                continue;
            }
            device.RefreshMediaState();
            report.Opened(device, handles);
            opened = device;
        }
        if (opened == null)
            report.NoneOpened();
        else
            EntropySource.EnsureGathered(boot, report.Console);   // the ENTROPY line, before any seed is taken
        return opened;
    }

    /// <summary>An interface over <paramref name="device"/>, seeded from the boot's entropy mixed with the MAC and counters.</summary>
    public static Interface CreateInterface(SnpFrameDevice device, UefiBootServices boot)
    {
        var interfaceConfig = new InterfaceConfig();
        interfaceConfig.RandomSeed = SeedFor(EntropySource.DeriveSeed(boot, device.MacAddress.Value));
        return new Interface(device, interfaceConfig);
    }

    /// <summary>
    /// Static address from the configuration, else DHCP (up to <see cref="DhcpWaitSeconds"/>, or until a key
    /// when <paramref name="keys"/> is available). The DHCP client stays attached (renewals) and is returned,
    /// so the caller can read option 43's manager.
    /// </summary>
    public static AddressStatus TryConfigureAddress(SnpFrameDevice device, Interface iface, RecoveryConfig config, UefiBootServices boot,
        NicReport report, UefiTextInput keys, out DhcpClient? dhcp)
    {
        dhcp = null;
        if (config.HasStaticAddress)
        {
            iface.SetAddress(new Ipv4Address(config.StaticAddress), new Ipv4Address(config.StaticSubnetMask),
                new Ipv4Address(config.Gateway), MonotonicClock.Now);
            report.StaticAddress(config);
            return AddressStatus.Configured;
        }

        Instant start = MonotonicClock.Now;
        var client = new DhcpClient(device.MacAddress, new DhcpConfig(), SeedFor(EntropySource.DeriveSeed(boot, device.MacAddress.Value)));
        iface.AttachDhcp(client);
        report.DhcpDiscovering();
        Instant deadline = start.AddMilliseconds(DhcpWaitSeconds * 1000L);
        while (!client.HasLease)
        {
            Instant now = MonotonicClock.Now;
            if (now.HasReached(deadline))
            {
                report.NoLease(DhcpWaitSeconds, (ulong)iface.Counters.DhcpMessagesSent);
                return AddressStatus.NoLease;
            }
            if (keys.IsAvailable && keys.ReadKeyStroke().IsSuccess)
                return AddressStatus.KeyPressed;
            if (iface.Poll(now) == 0)
                MonotonicClock.WaitForTick();
        }
        report.Lease(client.Lease);
        dhcp = client;
        return AddressStatus.Configured;
    }

    /// <summary>
    /// A netstack seed (32 bits, never 0: xorshift32's fixed point) from a derived 64-bit seed; both
    /// halves are folded in so no bits of the derivation are dropped.
    /// </summary>
    internal static uint SeedFor(ulong derived) => (uint)(derived ^ (derived >> 32)) | 1u;
}
