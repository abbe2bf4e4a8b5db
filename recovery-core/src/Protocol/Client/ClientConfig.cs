using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>Everything the client session is set up with (docs/protocol.md §6). Read once at creation.</summary>
public sealed class ClientConfig
{
    /// <summary>The platform's FMP ImageTypeId: only offers for this type are acceptable.</summary>
    public ImageTypeId ImageType { get; set; }

    /// <summary>Firmware version running now (0 if unknown).</summary>
    public uint CurrentVersion { get; set; }

    /// <summary>Lowest image version the client accepts.</summary>
    public uint LowestAcceptableVersion { get; set; }

    /// <summary>MAC address in the low 48 bits; also the client's sender id.</summary>
    public ulong MacAddress { get; set; }

    /// <summary>Own IPv4 address (big-endian number), 0 if none yet.</summary>
    public uint Ipv4Address { get; set; }

    /// <summary>Largest UDP payload this client receives on its path (§5.2).</summary>
    public ushort MaxDatagram { get; set; } = ProtocolLimits.DefaultDatagram;

    public DeliveryModes DeliveryModes { get; set; } = DeliveryModes.All;

    /// <summary>The stored manager address (REQUEST is sent there); unspecified = none.</summary>
    public DatagramEndpoint ManagerEndpoint { get; set; }

    /// <summary>Also broadcast the REQUEST (DISCOVER) so any donor can answer.</summary>
    public bool DiscoverByBroadcast { get; set; } = true;

    /// <summary>Where DISCOVER goes: 255.255.255.255:40123 unless set.</summary>
    public DatagramEndpoint BroadcastEndpoint { get; set; } =
        new DatagramEndpoint(DatagramEndpoint.LimitedBroadcast, ProtocolConstants.DonorPort);

    /// <summary>Bytes of the preallocated image buffer; larger offers are not acceptable.</summary>
    public uint ImageCapacity { get; set; } = 16u * 1024 * 1024;

    public RequestReason Reason { get; set; } = RequestReason.FirmwareInvalid;

    public ClientTimings Timings { get; set; } = new ClientTimings();

    /// <summary>Donor policy; null = <see cref="DonorPolicy.CreateDefault"/> with no preferred donors.</summary>
    public DonorPolicy? Policy { get; set; }

    /// <summary>PRNG seed: mix the MAC and a boot timestamp so machines differ.</summary>
    public ulong RandomSeed { get; set; } = 1;

    /// <summary>
    /// Send NACKs as a bitmap window when ranges cannot list every missing fragment and the bitmap reaches
    /// further (docs/protocol.md §4.6). Off = ranges only.
    /// </summary>
    public bool UseBitmapStatus { get; set; } = true;

    /// <summary>Datagrams handled per Poll at most, so one Poll cannot starve the caller.</summary>
    public int MaxReceivesPerPoll { get; set; } = 64;
}
