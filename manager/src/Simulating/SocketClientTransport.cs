using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Manager.Serving.Faults;

namespace UefiRecovery.Manager.Simulating;

/// <summary>
/// The portable client engine's transport over real .NET UDP sockets, non-blocking as the engine
/// expects. A control socket on an ephemeral port sends REQUEST/ACCEPT/STATUS/RESULT and receives the
/// unicast answers (OFFER, RESULT_ACK, unicast DATA); an optional group socket on the shared client port
/// (SO_REUSEADDR, so many simulated clients on one host each get every broadcast) receives broadcast
/// and multicast DATA and STATUS_REQUEST. Seeded faults can be applied to what is received.
/// </summary>
public sealed class SocketClientTransport : IDatagramTransport, IDisposable
{
    private readonly Socket _control;
    private readonly Socket? _group;
    private readonly List<Socket> _readable = new(2);
    private readonly FaultDice? _faults;
    private readonly IPAddress _bindAddress;
    private readonly Queue<(byte[] Bytes, DatagramEndpoint Source)> _pending = new();
    private (byte[] Bytes, DatagramEndpoint Source)? _held;
    private bool _readControlNext;

    public SocketClientTransport(IPAddress bindAddress, int groupPort, FaultOptions receiveFaults)
    {
        _control = NewSocket();
        _control.Bind(new IPEndPoint(bindAddress, 0));
        if (groupPort != 0)
        {
            _group = NewSocket();
            _group.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            // Bound to any address: broadcasts to 255.255.255.255 and to the subnet's broadcast address both arrive.
            _group.Bind(new IPEndPoint(IPAddress.Any, groupPort));
        }
        if (receiveFaults.IsActive) _faults = new FaultDice(receiveFaults, receiveFaults.Seed);
        _bindAddress = bindAddress;
        LocalEndPoint = (IPEndPoint)_control.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }
    public FaultCounters? FaultCounters => _faults?.Counters;
    public long SendFailures { get; private set; }

    private static Socket NewSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            Blocking = false,
            EnableBroadcast = true,
        };
        Serving.Network.UdpEndpoint.SetBuffers(socket, 4 * 1024 * 1024);
        return socket;
    }

    public bool TrySend(in DatagramEndpoint destination, ReadOnlySpan<byte> datagram)
    {
        try
        {
            _control.SendTo(datagram, SocketFlags.None, ToIp(destination));
            return true;
        }
        catch (SocketException)
        {
            SendFailures++;
            return false;
        }
    }

    public int TryReceive(Span<byte> buffer, out DatagramEndpoint source)
    {
        while (true)
        {
            if (_pending.TryDequeue(out var queued))
            {
                source = queued.Source;
                if (queued.Bytes.Length > buffer.Length) continue; // the engine's rule: too long is dropped
                queued.Bytes.CopyTo(buffer);
                return queued.Bytes.Length;
            }
            int length = ReceiveOne(buffer, out source);
            if (length <= 0) return length;
            if (_faults is null) return length;

            if (_faults.Roll(_faults.Options.Drop)) { _faults.Counters.Dropped++; continue; }
            Span<byte> bytes = buffer[..length];
            if (_faults.Roll(_faults.Options.Corrupt)) { _faults.Corrupt(bytes); _faults.Counters.Corrupted++; }
            if (_held is null && _faults.Roll(_faults.Options.Reorder))
            {
                _held = (bytes.ToArray(), source);
                _faults.Counters.Reordered++;
                continue;
            }
            if (_faults.Roll(_faults.Options.Duplicate)) { _pending.Enqueue((bytes.ToArray(), source)); _faults.Counters.Duplicated++; }
            if (_held is { } held)
            {
                _held = null;
                _pending.Enqueue(held);
            }
            return length;
        }
    }

    // Alternates between the sockets so a flood of broadcast DATA cannot starve the unicast answers.
    // One recvfrom per datagram, into a reused SocketAddress (no allocation); an empty socket answers
    // EWOULDBLOCK, which .NET reports as an exception, so a socket found empty is skipped until Select
    // says it is readable again.
    private int ReceiveOne(Span<byte> buffer, out DatagramEndpoint source)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            bool control = _readControlNext || _group is null;
            _readControlNext = !_readControlNext;
            if (control ? _controlEmpty : _groupEmpty) continue;
            Socket socket = control ? _control : _group!;
            try
            {
                int n = socket.ReceiveFrom(buffer, SocketFlags.None, _sourceAddress);
                source = FromSocketAddress(_sourceAddress);
                return n;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                if (control) _controlEmpty = true; else _groupEmpty = true;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
            }
        }
        source = default;
        return 0;
    }

    private readonly SocketAddress _sourceAddress = new(AddressFamily.InterNetwork);
    private bool _controlEmpty;
    private bool _groupEmpty;

    // sockaddr_in as .NET lays it out: family (2 bytes), port (big-endian), IPv4 address.
    private static DatagramEndpoint FromSocketAddress(SocketAddress address)
    {
        ReadOnlySpan<byte> raw = address.Buffer.Span;
        return new DatagramEndpoint(BinaryPrimitives.ReadUInt32BigEndian(raw.Slice(4)), BinaryPrimitives.ReadUInt16BigEndian(raw.Slice(2)));
    }

    public bool TryJoinMulticastGroup(uint groupAddress)
    {
        if (_group is null) return false;
        try
        {
            // Joined on the interface of the bind address when there is one (no multicast route needed).
            IPAddress group = ToIp(new DatagramEndpoint(groupAddress, 1)).Address;
            var membership = _bindAddress.Equals(IPAddress.Any) ? new MulticastOption(group) : new MulticastOption(group, _bindAddress);
            _group.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, membership);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Blocks until a datagram is waiting on either socket (or the timeout passes).</summary>
    public void WaitForData(TimeSpan timeout)
    {
        if (_pending.Count > 0) return;
        _readable.Clear();
        _readable.Add(_control);
        if (_group is not null) _readable.Add(_group);
        try
        {
            Socket.Select(_readable, null, null, (int)Math.Max(1, timeout.TotalMicroseconds));
        }
        catch (SocketException)
        {
        }
        // Select leaves only the readable sockets in the list.
        foreach (Socket readable in _readable)
        {
            if (readable == _control) _controlEmpty = false;
            else _groupEmpty = false;
        }
    }

    public static IPEndPoint ToIp(in DatagramEndpoint endpoint)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, endpoint.Address);
        return new IPEndPoint(new IPAddress(bytes), endpoint.Port);
    }

    public static DatagramEndpoint FromIp(IPEndPoint endpoint)
    {
        Span<byte> bytes = stackalloc byte[4];
        endpoint.Address.MapToIPv4().TryWriteBytes(bytes, out _);
        return new DatagramEndpoint(BinaryPrimitives.ReadUInt32BigEndian(bytes), (ushort)endpoint.Port);
    }

    public void Dispose()
    {
        _control.Dispose();
        _group?.Dispose();
    }
}
