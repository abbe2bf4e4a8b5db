namespace UefiRecovery.Efi.Services.Network;

/// <summary>
/// What the NIC bring-up (<see cref="NetworkBringUp"/>) prints, each line under the mode's tag. Terse
/// (recovery): the NIC that was opened and the address. Verbose (netdiag, docs/netstack.md): also every SNP
/// handle with its drivers, the NIC's media, filters and multicast slots, and the lease's server and time.
///   TAG SNP-HANDLE index=N handle=0x.. snp=0x.. mac=.. state=.. producer=".." consumer=".."   (verbose)
///   TAG NIC-SKIPPED handle=N [step=..] status=0x..
///   TAG NIC mac=.. mtu=.. [media=.. driver=".." displaced=".." state-at-open=.. filters=0x.. mcast-slots=N snp-handles=N nics=N]
///   TAG FAIL no SNP handle (no NIC, or no driver for it) | no SNP handle could be opened exclusively and initialized
///   TAG STATIC ip=.. mask=.. router=..|none
///   TAG DHCP discovering
///   TAG FAIL no DHCP lease within 90s [(dhcp-sent=N)]
///   TAG LEASE ip=.. mask=.. router=..|none [server=.. lease=Ns] manager=none|ADDR[:PORT]
/// </summary>
internal sealed class NicReport
{
    private const int NameLength = 64;

    private readonly UefiConsole _console;
    private readonly string _tag;
    // The drivers' names are read before the exclusive open disconnects the consumer (MnpDxe); once per run.
    private readonly char[] _driver = new char[NameLength];
    private readonly char[] _displaced = new char[NameLength];
    private int _driverLength;
    private int _displacedLength;

    public NicReport(UefiConsole console, string tag, bool verbose)
    {
        _console = console;
        _tag = tag;
        Verbose = verbose;
    }

    public bool Verbose { get; }

    public UefiConsole Console => _console;

    public void NoSnpHandle() =>
        new ConsoleLine(stackalloc char[200]).Append(_tag).Append(" FAIL no SNP handle (no NIC, or no driver for it)").WriteLine(_console);

    public void NoneOpened() =>
        new ConsoleLine(stackalloc char[200]).Append(_tag).Append(" FAIL no SNP handle could be opened exclusively and initialized").WriteLine(_console);

    /// <summary>Verbose: every SNP instance, before anything is opened exclusively (with one NIC OVMF still lists several).</summary>
    public void Handles(in SimpleNetworkHandles handles)
    {
        if (!Verbose)
            return;
        Span<char> line = stackalloc char[256];
        Span<byte> macBytes = stackalloc byte[6];
        Span<char> names = stackalloc char[NameLength];
        for (int i = 0; i < handles.Count; i++)
        {
            if (!handles.TryPeek(i, macBytes, out nuint snp, out SimpleNetworkState state))
                continue;
            var handleLine = new ConsoleLine(line).Append(_tag).Append(" SNP-HANDLE index=").AppendDecimal((ulong)i)
                .Append(" handle=").AppendHex((ulong)handles[i].Address).Append(" snp=").AppendHex((ulong)snp)
                .Append(" mac=").Append(MacAddress.Read(macBytes))
                .Append(" state=").Append(StateName(state));
            handleLine.Append(" producer=\"");
            if (handles.TryGetDriverName(i, names, out int nameLength))
                handleLine.Append(names.Slice(0, nameLength));
            handleLine.Append("\" consumer=\"");
            if (handles.TryGetConsumerName(i, names, out nameLength))
                handleLine.Append(names.Slice(0, nameLength));
            handleLine.Append("\"").WriteLine(_console);
        }
    }

    /// <summary>Verbose: the names of handle <paramref name="index"/>'s drivers, read before it is opened exclusively.</summary>
    public void BeforeOpen(in SimpleNetworkHandles handles, int index)
    {
        if (!Verbose)
            return;
        if (!handles.TryGetDriverName(index, _driver, out _driverLength))
            _driverLength = Copy("unknown", _driver);
        if (!handles.TryGetConsumerName(index, _displaced, out _displacedLength))
            _displacedLength = Copy("none", _displaced);
    }

    public void Skipped(int index, SnpOpenStatus status, EfiStatus efiStatus)
    {
        var line = new ConsoleLine(stackalloc char[200]).Append(_tag).Append(" NIC-SKIPPED handle=").AppendDecimal((ulong)index);
        if (Verbose)
            line.Append(" step=").Append(OpenStepName(status));
        line.Append(" status=").AppendHex((ulong)efiStatus.Value).WriteLine(_console);
    }

    public void Opened(SnpFrameDevice device, in SimpleNetworkHandles handles)
    {
        UefiSimpleNetwork nic = device.Nic;
        var line = new ConsoleLine(stackalloc char[256]).Append(_tag).Append(" NIC mac=").Append(device.MacAddress)
            .Append(" mtu=").AppendDecimal((ulong)nic.MaxPacketSize);
        if (Verbose)
        {
            line.Append(" media=").Append(!nic.MediaPresentSupported ? "unknown" : nic.MediaPresent ? "present" : "absent")
                .Append(" driver=\"").Append(new ReadOnlySpan<char>(_driver, 0, _driverLength))
                .Append("\" displaced=\"").Append(new ReadOnlySpan<char>(_displaced, 0, _displacedLength))
                .Append("\" state-at-open=").Append(StateName(device.StateAtOpen))
                .Append(" filters=").AppendHex(device.ReceiveFilterSetting)
                .Append(" mcast-slots=").AppendDecimal((ulong)nic.MaxMCastFilterCount)
                .Append(" snp-handles=").AppendDecimal((ulong)handles.Count)
                .Append(" nics=").AppendDecimal((ulong)handles.CountDistinct());
        }
        line.WriteLine(_console);
    }

    public void StaticAddress(RecoveryConfig config)
    {
        new ConsoleLine(stackalloc char[200]).Append(_tag).Append(" STATIC ip=").Append(new Ipv4Address(config.StaticAddress))
            .Append(" mask=").Append(new Ipv4Address(config.StaticSubnetMask))
            .Append(" router=").AppendOrNone(new Ipv4Address(config.Gateway)).WriteLine(_console);
    }

    public void DhcpDiscovering() => new ConsoleLine(stackalloc char[80]).Append(_tag).Append(" DHCP discovering").WriteLine(_console);

    public void NoLease(int waitSeconds, ulong dhcpSent)
    {
        var line = new ConsoleLine(stackalloc char[200]).Append(_tag).Append(" FAIL no DHCP lease within ").AppendDecimal((ulong)waitSeconds).Append("s");
        if (Verbose)
            line.Append(" (dhcp-sent=").AppendDecimal(dhcpSent).Append(")");
        line.WriteLine(_console);
    }

    public void Lease(in DhcpLease lease)
    {
        var line = new ConsoleLine(stackalloc char[256]).Append(_tag).Append(" LEASE ip=").Append(lease.Address)
            .Append(" mask=").Append(lease.SubnetMask)
            .Append(" router=").AppendOrNone(lease.Router);
        if (Verbose)
            line.Append(" server=").Append(lease.ServerIdentifier)
                .Append(" lease=").AppendDecimal((ulong)lease.LeaseSeconds).Append("s");
        line.Append(" manager=");
        if (lease.ManagerAddress.IsUnspecified)
            line.Append("none");
        else
        {
            line.Append(lease.ManagerAddress);
            // Terse lines always name the port; netdiag only a port the option carried.
            if (!Verbose || lease.ManagerPort != 0)
                line.Append(":").AppendDecimal((ulong)lease.ManagerPort);
        }
        line.WriteLine(_console);
    }

    private static int Copy(string text, Span<char> destination)
    {
        text.AsSpan().CopyTo(destination);
        return text.Length;
    }

    private static string StateName(SimpleNetworkState state) => state switch
    {
        SimpleNetworkState.Stopped => "stopped",
        SimpleNetworkState.Started => "started",
        SimpleNetworkState.Initialized => "initialized",
        _ => "invalid",
    };

    private static string OpenStepName(SnpOpenStatus status) => status switch
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
