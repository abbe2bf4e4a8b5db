namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>The delivery modes a client can receive, as a bit set in REQUEST (docs/protocol.md §4.1).</summary>
public enum DeliveryModes : byte
{
    None = 0,
    Broadcast = 1 << 0,
    Multicast = 1 << 1,
    Unicast = 1 << 2,
    All = Broadcast | Multicast | Unicast,
}
