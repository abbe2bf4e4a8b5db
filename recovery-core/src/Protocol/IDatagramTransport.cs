using System;

namespace UefiRecovery.Core.Protocol;

/// <summary>
/// What the protocol engines need from UDP. The EFI app implements it over the netstack's UDP socket,
/// the manager's simulator over .NET sockets, the tests over an in-memory network. Non-blocking: the
/// engines poll.
/// </summary>
public interface IDatagramTransport
{
    /// <summary>Queues one datagram. False if it could not be sent now (the engine's retries cover it).</summary>
    bool TrySend(in DatagramEndpoint destination, ReadOnlySpan<byte> datagram);

    /// <summary>
    /// Copies the next waiting datagram into <paramref name="buffer"/> and returns its length, or 0 when
    /// none is waiting. A datagram longer than the buffer is dropped, not truncated, and the next one is
    /// returned.
    /// </summary>
    int TryReceive(Span<byte> buffer, out DatagramEndpoint source);

    /// <summary>Starts receiving an IPv4 multicast group (multicast delivery, docs/protocol.md §5.3).</summary>
    bool TryJoinMulticastGroup(uint groupAddress);
}
