using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>
/// A hand-driven protocol peer on a real UDP socket: sends exactly the datagrams a test builds (a machine
/// that behaves, or an attacker that does not) and records everything that arrives, in order. What a
/// spoofed source address would do is what a socket bound to that address does: the manager cannot tell
/// them apart, so binding a probe to a loopback address (127.0.0.x) stands in for forging it.
/// </summary>
public sealed class WireProbe : IDisposable
{
    private readonly Socket _socket;
    private readonly List<Received> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private uint _nextMessageId = 0x7000;

    public WireProbe(string bindAddress)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 16 << 20 };
        _socket.Bind(new IPEndPoint(IPAddress.Parse(bindAddress), 0));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>One datagram that arrived, with the header fields tests look at.</summary>
    public sealed record Received(int Sequence, byte[] Bytes, MessageType Type, uint MessageId, uint SessionId, ulong SenderId, IPEndPoint Source);

    public IReadOnlyList<Received> All
    {
        get { lock (_received) return _received.ToList(); }
    }

    public uint NextMessageId() => _nextMessageId++;

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => _socket.SendTo(datagram, SocketFlags.None, destination);

    /// <summary>Sends a REQUEST for the test image type as machine <paramref name="senderId"/>; returns its message id.</summary>
    public uint SendRequest(IPEndPoint manager, ulong senderId, ushort maxDatagram = 1472, DeliveryModes modes = DeliveryModes.Unicast, uint? messageId = null)
    {
        Span<byte> type = stackalloc byte[16];
        Guid.Parse(SharedFiles.ImageType).TryWriteBytes(type);
        ImageTypeId.TryRead(type, out ImageTypeId typeId);
        uint id = messageId ?? NextMessageId();
        var request = new RequestMessage(typeId, 0, 0, senderId, maxDatagram, IpOf(LocalEndPoint.Address), 0, RequestReason.FirmwareInvalid, modes);
        var buffer = new byte[256];
        Check(request.TryEmit(buffer, new MessageIds(id, 0, senderId), out int n));
        Send(buffer.AsSpan(0, n), manager);
        return id;
    }

    public void SendAccept(IPEndPoint manager, ulong senderId, uint sessionId, uint offerMessageId, ulong imageId, ulong token, uint held = 0)
    {
        var buffer = new byte[256];
        Check(new AcceptMessage(offerMessageId, imageId, held, token).TryEmit(buffer, new MessageIds(NextMessageId(), sessionId, senderId), out int n));
        Send(buffer.AsSpan(0, n), manager);
    }

    public void SendNack(IPEndPoint manager, ulong senderId, uint sessionId, uint round, ulong token, uint held, params NackRange[] ranges)
    {
        var buffer = new byte[2048];
        Check(StatusMessage.TryEmitRanges(buffer, new MessageIds(NextMessageId(), sessionId, senderId), new StatusReport(round, held, 0, 0, token), false, ranges, out int n));
        Send(buffer.AsSpan(0, n), manager);
    }

    public void SendComplete(IPEndPoint manager, ulong senderId, uint sessionId, uint round, ulong token, uint held)
    {
        var buffer = new byte[256];
        Check(StatusMessage.TryEmitComplete(buffer, new MessageIds(NextMessageId(), sessionId, senderId), new StatusReport(round, held, 0, 0, token), out int n));
        Send(buffer.AsSpan(0, n), manager);
    }

    /// <summary>Sends a RESULT; returns its message id (which a RESULT_ACK names).</summary>
    public uint SendResult(IPEndPoint manager, ulong senderId, uint sessionId, ulong imageId, ulong token, ResultOutcome outcome, ResultReason reason)
    {
        var buffer = new byte[256];
        uint id = NextMessageId();
        Check(new ResultMessage(imageId, outcome, reason, 0x10002, token).TryEmit(buffer, new MessageIds(id, sessionId, senderId), out int n));
        Send(buffer.AsSpan(0, n), manager);
        return id;
    }

    /// <summary>The first datagram (already received or arriving within <paramref name="timeout"/>) that <paramref name="match"/> accepts, or null.</summary>
    public async Task<Received?> WaitForAsync(Func<Received, bool> match, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var r in All) if (match(r)) return r;
            if (DateTime.UtcNow >= end) return null;
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>The OFFER answering REQUEST <paramref name="requestId"/>, parsed, or null.</summary>
    public async Task<(OfferMessage Offer, Received Datagram)?> WaitForOfferAsync(uint requestId, TimeSpan timeout)
    {
        Received? r = await WaitForAsync(d => d.Type == MessageType.Offer && ParseOffer(d.Bytes).InReplyTo == requestId, timeout).ConfigureAwait(false);
        return r is null ? null : (ParseOffer(r.Bytes), r);
    }

    public static OfferMessage ParseOffer(byte[] datagram)
    {
        Check(MessageFrame.TryParse(datagram, out MessageFrame frame));
        Check(OfferMessage.TryParse(frame, out OfferMessage offer));
        return offer;
    }

    public static uint IpOf(IPAddress address)
    {
        byte[] b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static void Check(WireStatus status)
    {
        if (status != WireStatus.Ok) throw new InvalidOperationException("codec: " + status);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        int sequence = 0;
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult got;
            try
            {
                got = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            byte[] bytes = buffer.AsSpan(0, got.ReceivedBytes).ToArray();
            if (MessageFrame.TryParse(bytes, out MessageFrame frame) != WireStatus.Ok) continue;
            var received = new Received(sequence++, bytes, frame.Type, frame.Header.MessageId, frame.Header.SessionId, frame.Header.SenderId, (IPEndPoint)got.RemoteEndPoint);
            lock (_received) _received.Add(received);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
