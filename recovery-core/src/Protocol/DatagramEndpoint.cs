namespace UefiRecovery.Core.Protocol;

/// <summary>An IPv4 address (big-endian number: 192.0.2.1 = 0xC0000201) and a UDP port.</summary>
public readonly struct DatagramEndpoint
{
    /// <summary>255.255.255.255, the limited broadcast address (RFC 919).</summary>
    public const uint LimitedBroadcast = 0xFFFFFFFFu;

    public DatagramEndpoint(uint address, ushort port)
    {
        Address = address;
        Port = port;
    }

    public uint Address { get; }
    public ushort Port { get; }

    /// <summary>True when no address was configured.</summary>
    public bool IsUnspecified => Address == 0 || Port == 0;

    public bool Matches(in DatagramEndpoint other)
    {
        return Address == other.Address && Port == other.Port;
    }
}
