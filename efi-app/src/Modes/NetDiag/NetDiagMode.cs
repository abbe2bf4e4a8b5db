using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Config;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Services.Machine;
using UefiRecovery.Efi.Services.Config;
using UefiRecovery.Efi.Services.Entropy;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;
using MacAddress = UefiRecovery.Netstack.Wire.MacAddress;
using UefiRecovery.Efi.Services.Network;

namespace UefiRecovery.Efi.Modes.NetDiag;

/// <summary>
/// <c>uefirecovery.mode=netdiag</c>: brings the NIC up through SNP, gets an address (DHCP, or the static
/// <c>uefirecovery.ip</c>), reports NIC, lease and manager reachability, then answers ping and UDP echo
/// (port 7) until a key press or <c>uefirecovery.netdiag.timeout</c> seconds. Output lines all start
/// with "NETDIAG " and are documented in docs/netstack.md ("On the machine: netdiag").
/// </summary>
internal static unsafe class NetDiagMode
{
    /// <summary>How long DHCP may take before netdiag gives up (DISCOVERs at 4, 8, 16, 32 s fit in).</summary>
    public const int DhcpWaitSeconds = 90;

    /// <summary>ARP for the manager's next hop: the interface's 1 + 3 retries, 1 s apart, plus slack.</summary>
    private const int ArpWaitMs = 5_000;

    private const int PingAttempts = 3;
    private const int PingWaitMs = 1_000;

    private static SystemTable* s_st;

    /// <returns>The machine exit code: Success when the NIC answered until the end, Failure otherwise.</returns>
    public static int Run(void* imageHandle, SystemTable* systemTable, RecoveryConfig config)
    {
        s_st = systemTable;
        BootServices* boot = systemTable->BootServices;
        Span<char> line = stackalloc char[256];
        Span<char> a = stackalloc char[24];
        Span<char> b = stackalloc char[24];
        Span<char> c = stackalloc char[24];
        Span<char> d = stackalloc char[24];

        if (!config.TryValidate(out string invalid))
        {
            new ConsoleLine(line).Append("NETDIAG FAIL config reason=\"").Append(invalid).Append("\"").WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }
        new ConsoleLine(line).Append("NETDIAG BEGIN timeout=").AppendDecimal((ulong)config.NetDiagTimeoutSeconds).Append("s")
            .WriteLine(systemTable);

        // The boot manager's 5-minute watchdog would reset the machine in the middle of a long run.
        boot->SetWatchdogTimer(0, 0, 0, null);
        if (systemTable->ConIn != null)
            systemTable->ConIn->Reset(systemTable->ConIn, 0);
        if (!MonotonicClock.Start(boot))
        {
            new ConsoleLine(line).Append("NETDIAG FAIL no timer event").WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }

        SnpFrameDevice? device = OpenFirstNic(imageHandle, boot);
        if (device == null)
        {
            MonotonicClock.Stop();
            return MachineExitCodes.Failure;
        }

        int result = RunWithDevice(device, config, boot, line, a, b, c, d);
        device.Close();
        MonotonicClock.Stop();
        return result;
    }

    private static SnpFrameDevice? OpenFirstNic(void* imageHandle, BootServices* boot)
    {
        Span<char> line = stackalloc char[256];
        EfiGuid guid = SimpleNetworkProtocol.Guid;
        nuint count = 0;
        void** handles = null;
        if (boot->LocateHandleBuffer(LocateSearchType.ByProtocol, &guid, null, &count, &handles).IsError || handles == null || count == 0)
        {
            new ConsoleLine(line).Append("NETDIAG FAIL no SNP handle (no NIC, or no driver for it)").WriteLine(s_st);
            return null;
        }

        // Every SNP instance, before anything is opened exclusively: with one NIC OVMF still lists several.
        Span<char> mac = stackalloc char[20];
        Span<char> names = stackalloc char[64];
        for (nuint i = 0; i < count; i++)
        {
            void* iface = null;
            if (boot->OpenProtocol(handles[i], &guid, &iface, imageHandle, null, OpenProtocolAttributes.GetProtocol).IsError || iface == null)
                continue;
            SimpleNetworkMode* peek = ((SimpleNetworkProtocol*)iface)->Mode;
            var handleLine = new ConsoleLine(line).Append("NETDIAG SNP-HANDLE index=").AppendDecimal((ulong)i)
                .Append(" handle=").AppendHex((ulong)handles[i]).Append(" snp=").AppendHex((ulong)iface)
                .Append(" mac=").Append(NetText.Mac(MacOf(peek), mac))
                .Append(" state=").Append(StateName(peek->State));
            boot->CloseProtocol(handles[i], &guid, imageHandle, null);
            handleLine = handleLine.Append(" producer=\"");
            if (SnpDriverName.TryGetProducer(boot, imageHandle, handles[i], names, out int nameLength))
                handleLine = handleLine.Append(names.Slice(0, nameLength));
            handleLine = handleLine.Append("\" consumer=\"");
            if (SnpDriverName.TryGetConsumer(boot, imageHandle, handles[i], names, out nameLength))
                handleLine = handleLine.Append(names.Slice(0, nameLength));
            handleLine.Append("\"").WriteLine(s_st);
        }

        SnpFrameDevice? opened = null;
        Span<char> driver = stackalloc char[64];
        Span<char> displaced = stackalloc char[64];
        for (nuint i = 0; i < count && opened == null; i++)
        {
            void* handle = handles[i];
            // UefiPxeBcDxe re-installs the NIC's own SNP interface on its IPv4/IPv6 children: the same
            // NIC under more handles. Only the first handle of an interface is tried (the NIC's own).
            if (NetworkBringUp.IsAliasOfEarlier(boot, imageHandle, handles, i))
                continue;
            // Names first: the exclusive open disconnects the consumer (MnpDxe).
            if (!SnpDriverName.TryGetProducer(boot, imageHandle, handle, driver, out int driverLength))
            {
                "unknown".AsSpan().CopyTo(driver);
                driverLength = 7;
            }
            if (!SnpDriverName.TryGetConsumer(boot, imageHandle, handle, displaced, out int displacedLength))
            {
                "none".AsSpan().CopyTo(displaced);
                displacedLength = 4;
            }

            SnpOpenStatus status = SnpFrameDevice.TryOpen(boot, imageHandle, handle, out SnpFrameDevice? device, out EfiStatus efiStatus);
            if (status != SnpOpenStatus.Ok || device == null)
            {
                new ConsoleLine(line).Append("NETDIAG NIC-SKIPPED handle=").AppendDecimal((ulong)i).Append(" step=")
                    .Append(OpenStatusName(status)).Append(" status=").AppendHex((ulong)efiStatus.Value).WriteLine(s_st);
                continue;
            }

            device.RefreshMediaState();
            SimpleNetworkMode* mode = device.Mode;
            new ConsoleLine(line).Append("NETDIAG NIC mac=").Append(NetText.Mac(device.MacAddress.Value, mac))
                .Append(" mtu=").AppendDecimal((ulong)mode->MaxPacketSize)
                .Append(" media=").Append(mode->MediaPresentSupported == 0 ? "unknown" : mode->MediaPresent != 0 ? "present" : "absent")
                .Append(" driver=\"").Append(driver.Slice(0, driverLength))
                .Append("\" displaced=\"").Append(displaced.Slice(0, displacedLength))
                .Append("\" state-at-open=").Append(StateName(device.StateAtOpen))
                .Append(" filters=").AppendHex(device.ReceiveFilterSetting)
                .Append(" mcast-slots=").AppendDecimal((ulong)mode->MaxMCastFilterCount)
                .Append(" snp-handles=").AppendDecimal((ulong)count)
                .Append(" nics=").AppendDecimal((ulong)CountDistinct(boot, imageHandle, handles, count))
                .WriteLine(s_st);
            opened = device;
        }
        boot->FreePool(handles);
        if (opened == null)
            new ConsoleLine(line).Append("NETDIAG FAIL no SNP handle could be opened exclusively and initialized").WriteLine(s_st);
        return opened;
    }

    private static int RunWithDevice(SnpFrameDevice device, RecoveryConfig config, BootServices* boot, Span<char> line,
        Span<char> a, Span<char> b, Span<char> c, Span<char> d)
    {
        var interfaceConfig = new InterfaceConfig();
        interfaceConfig.RandomSeed = NetworkBringUp.SeedFor(EntropySource.DeriveSeed(s_st, device.MacAddress.Value));
        var iface = new Interface(device, interfaceConfig);
        var echo = new UdpEchoService();
        iface.TryAddSocket(echo.Socket);

        DhcpClient? dhcp = null;
        if (config.HasStaticAddress)
        {
            iface.SetAddress(new Ipv4Address(config.StaticAddress), new Ipv4Address(config.StaticSubnetMask),
                new Ipv4Address(config.Gateway), MonotonicClock.Now);
            new ConsoleLine(line).Append("NETDIAG STATIC ip=").Append(NetText.Ipv4(config.StaticAddress, a))
                .Append(" mask=").Append(NetText.Ipv4(config.StaticSubnetMask, b))
                .Append(" router=").Append(config.Gateway == 0 ? "none" : NetText.Ipv4(config.Gateway, c)).WriteLine(s_st);
        }
        else
        {
            Instant start = MonotonicClock.Now;
            dhcp = new DhcpClient(device.MacAddress, new DhcpConfig(), NetworkBringUp.SeedFor(EntropySource.DeriveSeed(s_st, device.MacAddress.Value)));
            iface.AttachDhcp(dhcp);
            new ConsoleLine(line).Append("NETDIAG DHCP discovering").WriteLine(s_st);
            Instant deadline = start.AddMilliseconds(DhcpWaitSeconds * 1000L);
            while (!dhcp.HasLease)
            {
                Instant now = MonotonicClock.Now;
                if (now.HasReached(deadline))
                {
                    new ConsoleLine(line).Append("NETDIAG FAIL no DHCP lease within ").AppendDecimal((ulong)DhcpWaitSeconds)
                        .Append("s (dhcp-sent=").AppendDecimal(iface.Counters.DhcpMessagesSent).Append(")").WriteLine(s_st);
                    return MachineExitCodes.Failure;
                }
                if (KeyPressed())
                {
                    PrintDone(line, "key-before-ready");
                    return MachineExitCodes.Failure;
                }
                if (iface.Poll(now) == 0)
                    MonotonicClock.WaitForTick();
            }
            DhcpLease lease = dhcp.Lease;
            var leaseLine = new ConsoleLine(line).Append("NETDIAG LEASE ip=").Append(NetText.Ipv4(lease.Address.Value, a))
                .Append(" mask=").Append(NetText.Ipv4(lease.SubnetMask.Value, b))
                .Append(" router=").Append(lease.Router.IsUnspecified ? "none" : NetText.Ipv4(lease.Router.Value, c))
                .Append(" server=").Append(NetText.Ipv4(lease.ServerIdentifier.Value, d))
                .Append(" lease=").AppendDecimal((ulong)lease.LeaseSeconds).Append("s manager=");
            if (lease.ManagerAddress.IsUnspecified)
                leaseLine = leaseLine.Append("none");
            else
            {
                leaseLine = leaseLine.Append(NetText.Ipv4(lease.ManagerAddress.Value, a));
                if (lease.ManagerPort != 0)
                    leaseLine = leaseLine.Append(":").AppendDecimal((ulong)lease.ManagerPort);
            }
            leaseLine.WriteLine(s_st);
        }

        ProbeManager(device, iface, config, dhcp, line, a, b, c);

        new ConsoleLine(line).Append("NETDIAG READY ip=").Append(NetText.Ipv4(iface.Address.Value, a))
            .Append(" echo-port=").AppendDecimal((ulong)UdpEchoService.Port)
            .Append(" timeout=").AppendDecimal((ulong)config.NetDiagTimeoutSeconds).Append("s").WriteLine(s_st);

        Instant readyAt = MonotonicClock.Now;
        Instant end = readyAt.AddMilliseconds(config.NetDiagTimeoutSeconds * 1000L);
        var kick = new ReceiveStallKick(device, readyAt);
        string reason;
        while (true)
        {
            Instant now = MonotonicClock.Now;
            if (config.NetDiagTimeoutSeconds != 0 && now.HasReached(end))
            {
                reason = "timeout";
                break;
            }
            if (KeyPressed())
            {
                reason = "key";
                break;
            }
            kick.Poll(iface, now);
            int handled = iface.Poll(now);
            echo.Serve(iface.Address);
            if (echo.Socket.TransmitQueued > 0)
                iface.Poll(now);
            // Give the firmware's pending transmits back before sleeping, so a burst finds free buffers.
            device.Recycle();
            if (handled == 0)
                MonotonicClock.WaitForTick();
        }

        SnpCounters snp = device.Counters;
        InterfaceCounters counters = iface.Counters;
        new ConsoleLine(line).Append("NETDIAG STATS rx=").AppendDecimal(snp.FramesReceived)
            .Append(" not-for-us=").AppendDecimal(snp.ReceivedNotForUs)
            .Append(" rx-errors=").AppendDecimal(snp.ReceiveErrors + snp.ReceivedMalformed + snp.ReceivedTooLarge)
            .Append(" tx=").AppendDecimal(snp.FramesSent)
            .Append(" tx-no-buffer=").AppendDecimal(snp.TransmitNoBuffer)
            .Append(" tx-dropped=").AppendDecimal(snp.TransmitDropped)
            .Append(" recycled=").AppendDecimal(snp.BuffersRecycled)
            .Append(" in-flight=").AppendDecimal((ulong)device.InFlightCount)
            .Append(" reinit=").AppendDecimal(snp.Reinitializations)
            .Append(" stall-kicks=").AppendDecimal((ulong)kick.Kicks)
            .Append(" echo-replies=").AppendDecimal(counters.EchoRepliesSent)
            .Append(" arp-replies=").AppendDecimal(counters.ArpRepliesSent)
            .Append(" udp-echoed=").AppendDecimal(echo.Echoed)
            .Append(" uptime=").AppendDecimal((MonotonicClock.Now.Milliseconds - readyAt.Milliseconds) / 1000).Append("s")
            .WriteLine(s_st);
        PrintDone(line, reason);
        return MachineExitCodes.Success;
    }

    /// <summary>The configured manager, else the one from the DHCP option: ARP for its next hop, then ping it.</summary>
    private static void ProbeManager(SnpFrameDevice device, Interface iface, RecoveryConfig config, DhcpClient? dhcp,
        Span<char> line, Span<char> a, Span<char> b, Span<char> c)
    {
        Ipv4Address manager;
        ushort port;
        string source;
        if (config.HasManager)
        {
            manager = new Ipv4Address(config.ManagerAddress);
            port = config.ManagerPort;
            source = "config";
        }
        else if (dhcp != null && dhcp.HasLease && !dhcp.Lease.ManagerAddress.IsUnspecified)
        {
            manager = dhcp.Lease.ManagerAddress;
            port = dhcp.Lease.ManagerPort;
            source = "dhcp";
        }
        else
        {
            new ConsoleLine(line).Append("NETDIAG MANAGER none").WriteLine(s_st);
            return;
        }

        var probe = new ManagerProbe(iface, device, (ushort)(device.MacAddress.Value & 0xFFFF));
        device.Observer = probe;
        Ipv4Address hop = ManagerProbe.NextHop(iface, manager);
        Instant start = MonotonicClock.Now;
        ArpLookup arp = ArpLookup.Unknown;
        MacAddress hopMac = default;
        bool arpSent = probe.StartArp(hop, start);
        while (arpSent)
        {
            Instant now = MonotonicClock.Now;
            probe.SetTime(now);
            if (iface.Poll(now) == 0)
                MonotonicClock.WaitForTick();
            arp = iface.ArpCache.Lookup(hop, MonotonicClock.Now, out hopMac);
            if (arp == ArpLookup.Resolved || arp == ArpLookup.Failed || MonotonicClock.Now.Milliseconds - start.Milliseconds > ArpWaitMs)
                break;
        }

        bool pinged = false;
        if (arp == ArpLookup.Resolved)
        {
            for (int attempt = 0; attempt < PingAttempts && !pinged; attempt++)
            {
                Instant sent = MonotonicClock.Now;
                probe.SetTime(sent);
                if (!probe.SendEcho(manager, hopMac, sent))
                    continue;
                while (!probe.ReplySeen && MonotonicClock.Now.Milliseconds - sent.Milliseconds < PingWaitMs)
                {
                    Instant now = MonotonicClock.Now;
                    probe.SetTime(now);
                    if (iface.Poll(now) == 0)
                        MonotonicClock.WaitForTick();
                }
                pinged = probe.ReplySeen;
            }
        }
        device.Observer = null;

        var managerLine = new ConsoleLine(line).Append("NETDIAG MANAGER addr=").Append(NetText.Ipv4(manager.Value, a))
            .Append(" port=").AppendDecimal((ulong)port)
            .Append(" source=").Append(source)
            .Append(" nexthop=").Append(NetText.Ipv4(hop.Value, b))
            .Append(" arp=").Append(arp == ArpLookup.Resolved ? "answered" : "no-answer");
        if (arp == ArpLookup.Resolved)
            managerLine = managerLine.Append(" mac=").Append(NetText.Mac(hopMac.Value, c));
        managerLine = managerLine.Append(" ping=").Append(arp != ArpLookup.Resolved ? "skipped" : pinged ? "answered" : "no-answer");
        if (pinged)
            managerLine = managerLine.Append(" rtt=").AppendDecimal(probe.RoundTripMs).Append("ms");
        managerLine.WriteLine(s_st);
    }

    /// <summary>Distinct SNP interfaces among the handles (handles whose SNP is gone count as none).</summary>
    private static int CountDistinct(BootServices* boot, void* imageHandle, void** handles, nuint count)
    {
        int distinct = 0;
        for (nuint i = 0; i < count; i++)
            if (NetworkBringUp.SnpInterfaceOf(boot, imageHandle, handles[i]) != null && !NetworkBringUp.IsAliasOfEarlier(boot, imageHandle, handles, i)) distinct++;
        return distinct;
    }

    private static ulong MacOf(SimpleNetworkMode* mode)
    {
        ulong value = 0;
        for (int i = 0; i < 6; i++)
            value = (value << 8) | mode->CurrentAddress.Addr[i];
        return value;
    }

    private static bool KeyPressed()
    {
        SimpleTextInputProtocol* conIn = s_st->ConIn;
        if (conIn == null)
            return false;
        InputKey key = default;
        return !conIn->ReadKeyStroke(conIn, &key).IsError;
    }

    private static void PrintDone(Span<char> line, string reason)
        => new ConsoleLine(line).Append("NETDIAG DONE reason=").Append(reason).WriteLine(s_st);

    private static string StateName(SimpleNetworkState state) => state switch
    {
        SimpleNetworkState.Stopped => "stopped",
        SimpleNetworkState.Started => "started",
        SimpleNetworkState.Initialized => "initialized",
        _ => "invalid",
    };

    private static string OpenStatusName(SnpOpenStatus status) => status switch
    {
        SnpOpenStatus.OpenFailed => "open-exclusive",
        SnpOpenStatus.NotEthernet => "not-ethernet",
        SnpOpenStatus.NoMemory => "allocate-buffers",
        SnpOpenStatus.StartFailed => "start",
        SnpOpenStatus.InitializeFailed => "initialize",
        SnpOpenStatus.FiltersFailed => "receive-filters",
        _ => "ok",
    };
}
