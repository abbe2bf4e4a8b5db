using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Manager.Planning;

/// <summary>One datagram in flight in the fleet model: its bytes (a copy, shared by every machine a group datagram reaches) and its source.</summary>
public sealed class ModelFrame(byte[] bytes, DatagramEndpoint source)
{
    public byte[] Bytes { get; } = bytes;

    public DatagramEndpoint Source { get; } = source;
}
