namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>How DATA and STATUS_REQUEST reach the session (docs/protocol.md §5.3).</summary>
public enum DeliveryMode : byte
{
    /// <summary>Limited or directed broadcast on the client's segment.</summary>
    Broadcast = 1,
    /// <summary>An IPv4 multicast group the client joins (routed networks with IGMP).</summary>
    Multicast = 2,
    /// <summary>One copy per client, to its own address (routed or NATed paths).</summary>
    Unicast = 3,
}
