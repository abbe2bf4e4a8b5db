namespace UefiRecovery.Core.Protocol;

/// <summary>An IPv4 address (big-endian number: 192.0.2.1 = 0xC0000201) and a UDP port.</summary>
public readonly struct DatagramEndpoint(uint address, ushort port)
{
    /// <summary>255.255.255.255, the limited broadcast address (RFC 919).</summary>
    public const uint LimitedBroadcast = 0xFFFFFFFFu;

    public uint Address { get; } = address;
    public ushort Port { get; } = port;

    /// <summary>True when no address was configured.</summary>
    public bool IsUnspecified => Address == 0 || Port == 0;

    public bool Matches(in DatagramEndpoint other)
    {
        return Address == other.Address && Port == other.Port;
    }
}
