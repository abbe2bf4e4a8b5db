namespace UefiRecovery.Core.Protocol.Client;

/// <summary>Why a client session could not be created from its configuration.</summary>
public enum ClientSetupStatus : byte
{
    Ok = 0,
    /// <summary>The MAC address is 0 or wider than 48 bits (it is the sender id).</summary>
    InvalidMacAddress,
    /// <summary>Max datagram outside 548..8972.</summary>
    InvalidMaxDatagram,
    /// <summary>No delivery mode, or an unknown mode bit.</summary>
    InvalidDeliveryModes,
    /// <summary>Neither a manager address nor broadcast discovery is configured.</summary>
    NoDiscoveryTarget,
    /// <summary>Image capacity is 0, or the shared buffers do not match it.</summary>
    InvalidImageCapacity,
    /// <summary>Signed offers are required but the max datagram cannot hold one (640 bytes, docs/protocol.md §4.2).</summary>
    DatagramTooSmallForSignedOffers,
}
