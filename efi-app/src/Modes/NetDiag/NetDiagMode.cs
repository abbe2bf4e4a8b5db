namespace UefiRecovery.Efi.Modes.NetDiag;

/// <summary>
/// <c>uefirecovery.mode=netdiag</c>: brings the NIC up through SNP, gets an address (DHCP, or the static
/// <c>uefirecovery.ip</c>), reports NIC, lease and manager reachability, then answers ping and UDP echo
/// (port 7) until a key press or <c>uefirecovery.netdiag.timeout</c> seconds. Output lines all start
/// with "NETDIAG " and are documented in docs/netstack.md ("On the machine: netdiag").
/// </summary>
internal sealed class NetDiagMode
{
    /// <summary>ARP for the manager's next hop: the interface's 1 + 3 retries, 1 s apart, plus slack.</summary>
    private const int ArpWaitMs = 5_000;

    private const int PingAttempts = 3;
    private const int PingWaitMs = 1_000;

    private readonly UefiBootServices _boot;
    private readonly UefiConsole _console;
    private readonly UefiTextInput _keys;
    private readonly RecoveryConfig _config;

    private NetDiagMode(UefiSystemTable system, RecoveryConfig config)
    {
        _boot = system.BootServices;
        _console = system.ConsoleOut;
        _keys = system.ConsoleIn;
        _config = config;
    }

    /// <returns>The machine exit code: Success when the NIC answered until the end, Failure otherwise.</returns>
    public static int Run(UefiSystemTable system, RecoveryConfig config) => new NetDiagMode(system, config).Run();

    private int Run()
    {
        Span<char> line = stackalloc char[256];

        if (!_config.TryValidate(out string invalid))
        {
            new ConsoleLine(line).Append("NETDIAG FAIL config reason=\"").Append(invalid).Append("\"").WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        new ConsoleLine(line).Append("NETDIAG BEGIN timeout=").AppendDecimal((ulong)_config.NetDiagTimeoutSeconds).Append("s")
            .WriteLine(_console);

        // The boot manager's 5-minute watchdog would reset the machine in the middle of a long run.
        _boot.DisableWatchdog();
        _keys.Reset();
        if (!MonotonicClock.Start(_boot))
        {
            new ConsoleLine(line).Append("NETDIAG FAIL no timer event").WriteLine(_console);
            return MachineExitCodes.Failure;
        }

        // The shared bring-up, verbose: every SNP handle, the NIC's drivers, media and filters (docs/netstack.md).
        var report = new NicReport(_console, "NETDIAG", verbose: true);
        SnpFrameDevice? device = NetworkBringUp.OpenFirstNic(_boot, report);
        if (device == null)
        {
            MonotonicClock.Stop();
            return MachineExitCodes.Failure;
        }

        int result = RunWithDevice(device, report, line);
        device.Close();
        MonotonicClock.Stop();
        return result;
    }

    private int RunWithDevice(SnpFrameDevice device, NicReport report, Span<char> line)
    {
        Interface iface = NetworkBringUp.CreateInterface(device, _boot);
        var echo = new UdpEchoService();
        iface.TryAddSocket(echo.Socket);

        AddressStatus address = NetworkBringUp.TryConfigureAddress(device, iface, _config, _boot, report, _keys, out DhcpClient? dhcp);
        if (address == AddressStatus.KeyPressed)
        {
            PrintDone(line, "key-before-ready");
            return MachineExitCodes.Failure;
        }
        if (address != AddressStatus.Configured)
            return MachineExitCodes.Failure;

        ProbeManager(device, iface, dhcp, line);

        new ConsoleLine(line).Append("NETDIAG READY ip=").Append(iface.Address)
            .Append(" echo-port=").AppendDecimal((ulong)UdpEchoService.Port)
            .Append(" timeout=").AppendDecimal((ulong)_config.NetDiagTimeoutSeconds).Append("s").WriteLine(_console);

        Instant readyAt = MonotonicClock.Now;
        Instant end = readyAt.AddMilliseconds(_config.NetDiagTimeoutSeconds * 1000L);
        var kick = new ReceiveStallKick(device, readyAt);
        string reason;
        while (true)
        {
            Instant now = MonotonicClock.Now;
            if (_config.NetDiagTimeoutSeconds != 0 && now.HasReached(end))
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
            .WriteLine(_console);
        PrintDone(line, reason);
        return MachineExitCodes.Success;
    }

    /// <summary>The configured manager, else the one from the DHCP option: ARP for its next hop, then ping it.</summary>
    private void ProbeManager(SnpFrameDevice device, Interface iface, DhcpClient? dhcp,
        Span<char> line)
    {
        Ipv4Address manager;
        ushort port;
        string source;
        if (_config.HasManager)
        {
            manager = new Ipv4Address(_config.ManagerAddress);
            port = _config.ManagerPort;
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
            new ConsoleLine(line).Append("NETDIAG MANAGER none").WriteLine(_console);
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

        var managerLine = new ConsoleLine(line).Append("NETDIAG MANAGER addr=").Append(manager)
            .Append(" port=").AppendDecimal((ulong)port)
            .Append(" source=").Append(source)
            .Append(" nexthop=").Append(hop)
            .Append(" arp=").Append(arp == ArpLookup.Resolved ? "answered" : "no-answer");
        if (arp == ArpLookup.Resolved)
            managerLine.Append(" mac=").Append(hopMac);
        managerLine.Append(" ping=").Append(arp != ArpLookup.Resolved ? "skipped" : pinged ? "answered" : "no-answer");
        if (pinged)
            managerLine.Append(" rtt=").AppendDecimal(probe.RoundTripMs).Append("ms");
        managerLine.WriteLine(_console);
    }

    private bool KeyPressed() => _keys.ReadKeyStroke().IsSuccess;

    private void PrintDone(Span<char> line, string reason)
        => new ConsoleLine(line).Append("NETDIAG DONE reason=").Append(reason).WriteLine(_console);
}
