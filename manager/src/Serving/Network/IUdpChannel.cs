using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Serving.Network;

/// <summary>
/// One UDP socket, seen as "send this datagram there" and "give me the next datagram".
/// The manager, the simulated clients and the fault injector all speak this, so faults wrap any of them.
/// </summary>
public interface IUdpChannel : IDisposable
{
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends one datagram. A send the kernel refuses (buffer full, no route) is counted, never thrown.</summary>
    void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination);

    /// <summary>Waits for the next datagram; returns its length and sender. Throws only when cancelled or disposed.</summary>
    ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}

/// <summary>The length and sender of a datagram that <see cref="IUdpChannel.ReceiveAsync"/> put into the caller's buffer.</summary>
public readonly record struct ReceivedDatagram(int Length, IPEndPoint Sender);
