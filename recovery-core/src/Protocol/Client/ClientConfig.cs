using System;
using UefiRecovery.Core.Crypto;
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

    /// <summary>Most manager addresses a client asks (<c>uefirecovery.manager</c> repeated, docs/config.md).</summary>
    public const int MaxManagers = 4;

    // Fixed capacity, filled before TryCreate: SendRequest walks it without allocating.
    private readonly DatagramEndpoint[] _managers = new DatagramEndpoint[MaxManagers];

    /// <summary>Configured managers (each REQUEST is sent to every one), 0..<see cref="MaxManagers"/>.</summary>
    public int ManagerCount { get; private set; }

    /// <summary>
    /// The first configured manager (unspecified = none). Setting it replaces the list with that one
    /// address (an unspecified value clears it); <see cref="TryAddManager"/> adds further ones.
    /// </summary>
    public DatagramEndpoint ManagerEndpoint
    {
        get => ManagerCount > 0 ? _managers[0] : default;
        set
        {
            ManagerCount = 0;
            TryAddManager(value);
        }
    }

    /// <summary>Most manager signing keys a client trusts (<c>uefirecovery.trust.manager</c>, docs/config.md).</summary>
    public const int MaxTrustedManagerKeys = 4;

    private readonly byte[] _trustedManagerKeys = new byte[MaxTrustedManagerKeys * Sha256.DigestSize];

    /// <summary>Manager key hashes (SHA-256 of the RSA modulus). When any is set, only offers signed by one of them are acceptable (§6.8).</summary>
    public int TrustedManagerKeyCount { get; private set; }

    /// <summary>The configured hashes, 32 bytes each, concatenated.</summary>
    public ReadOnlySpan<byte> TrustedManagerKeyHashes =>
        new ReadOnlySpan<byte>(_trustedManagerKeys, 0, TrustedManagerKeyCount * Sha256.DigestSize);

    /// <summary>Adds a trusted manager key hash; false when it is not 32 bytes or the list is full.</summary>
    public bool TryAddTrustedManagerKey(ReadOnlySpan<byte> modulusSha256)
    {
        if (modulusSha256.Length != Sha256.DigestSize || TrustedManagerKeyCount == MaxTrustedManagerKeys)
            return false;
        modulusSha256.CopyTo(new Span<byte>(_trustedManagerKeys, TrustedManagerKeyCount * Sha256.DigestSize, Sha256.DigestSize));
        TrustedManagerKeyCount++;
        return true;
    }

    /// <summary>Adds a manager; false (nothing changes) when unspecified, already listed or the list is full.</summary>
    public bool TryAddManager(in DatagramEndpoint manager)
    {
        if (manager.IsUnspecified || ManagerCount == MaxManagers)
            return false;
        for (int i = 0; i < ManagerCount; i++)
        {
            if (_managers[i].Matches(manager))
                return false;
        }
        _managers[ManagerCount] = manager;
        ManagerCount++;
        return true;
    }

    /// <summary>The <paramref name="index"/>th configured manager; unspecified outside 0..ManagerCount-1.</summary>
    public DatagramEndpoint GetManager(int index) => index >= 0 && index < ManagerCount ? _managers[index] : default;

    /// <summary>
    /// Also broadcast the REQUEST (DISCOVER) so any donor can answer. Off: only the configured managers
    /// can answer, so the offer window closes as soon as each has offered (docs/protocol.md §6.1).
    /// </summary>
    public bool DiscoverByBroadcast { get; set; } = true;

    /// <summary>Where DISCOVER goes: 255.255.255.255:40123 unless set.</summary>
    public DatagramEndpoint BroadcastEndpoint { get; set; } =
        new DatagramEndpoint(DatagramEndpoint.LimitedBroadcast, ProtocolConstants.DonorPort);

    /// <summary>Bytes of the preallocated image buffer; larger offers are not acceptable.</summary>
    public uint ImageCapacity { get; set; } = 16u * 1024 * 1024;

    public RequestReason Reason { get; set; } = RequestReason.FirmwareInvalid;

    /// <summary>
    /// The instruction this boot answers (docs/protocol.md §4.12), 0 = none. When set, a READINESS goes to every
    /// configured manager with each REQUEST until the first acceptable OFFER.
    /// </summary>
    public ulong InstructionId { get; set; }

    /// <summary>This machine's SMBIOS system UUID, carried in READINESS.</summary>
    public SystemUuid SystemUuid { get; set; }

    /// <summary>
    /// How many of the first configured managers get READINESS: the instruction's own (signed) ones, which the app adds
    /// first. The instruction id is shown to no one else (a DHCP-supplied manager may be a LAN attacker's).
    /// </summary>
    public int ReadinessManagerCount { get; set; } = MaxManagers;

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

    /// <summary>
    /// Use FEC when the chosen donor offers it (docs/protocol.md §5.5): report BLOCK COUNTS and decode PARITY.
    /// Off = classic NACKs only, as an old client.
    /// </summary>
    public bool UseFec { get; set; } = true;

    /// <summary>
    /// Parity fragments held until their block decodes, allocated at setup: this many × (max datagram − 40) bytes
    /// (256 × 1432 = 358 KiB). 0 disables FEC; any other value is raised to at least one block (64), since a block
    /// decodes only once it holds as many parity fragments as it misses.
    /// </summary>
    public int FecParitySlots { get; set; } = 256;

    /// <summary>
    /// The manifest hashes (docs/protocol.md §5.4); null = the portable SHA-256 the firmware uses. A host
    /// that runs many engines (the manager's simulate) passes one backed by the CPU's SHA instructions,
    /// one instance per session.
    /// </summary>
    public Manifest.IManifestHash? ManifestHash { get; set; }

    /// <summary>
    /// The image and leaf buffers, handed in instead of allocated by the session; null (the firmware, and every host
    /// but the fleet model) = the session's own. Their sizes must match <see cref="ImageCapacity"/>; see
    /// <see cref="ClientBuffers"/> for when sessions may share one set.
    /// </summary>
    public ClientBuffers? SharedBuffers { get; set; }

    /// <summary>Datagrams handled per Poll at most, so one Poll cannot starve the caller.</summary>
    public int MaxReceivesPerPoll { get; set; } = 64;
}
