using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Manager.Serving.Network;

namespace UefiRecovery.Manager.Serving.Faults;

/// <summary>
/// Wraps a channel and drops, corrupts (flips 1 to 3 random bits), duplicates or reorders (holds one
/// datagram back until the next has passed) a seeded, reproducible fraction of the datagrams, on the
/// way out, on the way in, or both. Loss also comes from the kernel (nftables) in the namespace tests;
/// the other three faults cannot, since the kernel here has no netem.
/// </summary>
public sealed class FaultInjectingChannel : IUdpChannel
{
    private readonly IUdpChannel _inner;
    private readonly Direction _send;
    private readonly Direction _receive;
    private readonly Queue<(byte[] Bytes, IPEndPoint Sender)> _pendingReceives = new();

    public FaultInjectingChannel(IUdpChannel inner, FaultOptions onSend, FaultOptions onReceive)
    {
        _inner = inner;
        _send = new Direction(onSend, onSend.Seed);
        // A different stream for the other direction, still fixed by the one seed.
        _receive = new Direction(onReceive, unchecked(onReceive.Seed * 31 + 17));
    }

    public IPEndPoint LocalEndPoint => _inner.LocalEndPoint;

    public FaultCounters SendFaults => _send.Counters;
    public FaultCounters ReceiveFaults => _receive.Counters;

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        if (!_send.Options.IsActive)
        {
            _inner.Send(datagram, destination);
            return;
        }
        lock (_send)
        {
            if (_send.Roll(_send.Options.Drop)) { _send.Counters.Dropped++; return; }
            byte[] copy = datagram.ToArray();
            if (_send.Roll(_send.Options.Corrupt)) { _send.Corrupt(copy); _send.Counters.Corrupted++; }
            if (_send.Held is null && _send.Roll(_send.Options.Reorder))
            {
                _send.Held = (copy, destination);
                _send.Counters.Reordered++;
                return;
            }
            _inner.Send(copy, destination);
            if (_send.Roll(_send.Options.Duplicate)) { _inner.Send(copy, destination); _send.Counters.Duplicated++; }
            if (_send.Held is { } held)
            {
                _send.Held = null;
                _inner.Send(held.Bytes, held.Peer);
            }
        }
    }

    public async ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_receive)
            {
                if (_pendingReceives.TryDequeue(out var pending))
                {
                    int n = Math.Min(pending.Bytes.Length, buffer.Length);
                    pending.Bytes.AsSpan(0, n).CopyTo(buffer.Span);
                    return new ReceivedDatagram(n, pending.Sender);
                }
            }
            ReceivedDatagram got = await _inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (!_receive.Options.IsActive) return got;
            lock (_receive)
            {
                if (_receive.Roll(_receive.Options.Drop)) { _receive.Counters.Dropped++; continue; }
                Span<byte> bytes = buffer.Span[..got.Length];
                if (_receive.Roll(_receive.Options.Corrupt)) { _receive.Corrupt(bytes); _receive.Counters.Corrupted++; }
                if (_receive.Held is null && _receive.Roll(_receive.Options.Reorder))
                {
                    _receive.Held = (bytes.ToArray(), got.Sender);
                    _receive.Counters.Reordered++;
                    continue;
                }
                if (_receive.Roll(_receive.Options.Duplicate)) { _pendingReceives.Enqueue((bytes.ToArray(), got.Sender)); _receive.Counters.Duplicated++; }
                if (_receive.Held is { } held)
                {
                    _receive.Held = null;
                    _pendingReceives.Enqueue(held);
                }
                return got;
            }
        }
    }

    public void Dispose() => _inner.Dispose();

    /// <summary>One direction's dice and the datagram it holds back for reordering.</summary>
    private sealed class Direction(FaultOptions options, int seed)
    {
        private readonly FaultDice _dice = new(options, seed);
        public FaultOptions Options => _dice.Options;
        public FaultCounters Counters => _dice.Counters;
        public (byte[] Bytes, IPEndPoint Peer)? Held { get; set; }
        public bool Roll(double fraction) => _dice.Roll(fraction);
        public void Corrupt(Span<byte> bytes) => _dice.Corrupt(bytes);
    }
}
