using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Serving.Network;

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
    private readonly LinuxDatagramBatch? _controlBatch;
    private readonly LinuxDatagramBatch? _groupBatch;
    private readonly SharedGroupReceiver? _shared;
    private long _sharedGeneration;
    private bool _controlBatchEmpty;
    private long _controlEmptyMark;
    private int _sharedNext;

    public SocketClientTransport(IPAddress bindAddress, int groupPort, FaultOptions receiveFaults, SharedGroupReceiver? shared = null)
    {
        _shared = shared;
        if (shared is not null) groupPort = 0; // the shared receiver is this machine's group socket
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
        if (OperatingSystem.IsLinux())
        {
            _controlBatch = new LinuxDatagramBatch(_control);
            if (_group is not null) _groupBatch = new LinuxDatagramBatch(_group);
        }
        _bindAddress = bindAddress;
        LocalEndPoint = (IPEndPoint)_control.LocalEndPoint!;
    }

    public const int ReceiveBufferBytes = 32 * 1024 * 1024;

    /// <summary>The control socket's batch (Linux), for a driver that waits on many machines at once.</summary>
    internal LinuxDatagramBatch? ControlBatch => _controlBatch;

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
        // 32 MiB (forced past net.core.rmem_max when root): a datagram costs its truesize (~2.3-4.6 KiB
        // for 1,472 bytes) in the queue, so 4 MiB held barely 1,000-1,800 DATA. A simulated machine that
        // is scheduled out for tens of milliseconds on a shared host catches up from its queue instead of
        // losing the pass; the memory is only used while datagrams wait.
        Serving.Network.UdpSocketChannel.SetBuffers(socket, ReceiveBufferBytes);
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
            if (length <= 0)
            {
                _foundEmpty = true;
                return length;
            }
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
        if (_controlBatch is not null) return ReceiveOneBatched(buffer, out source);
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

    private bool _foundEmpty;

    /// <summary>Whether a receive found nothing waiting since the last call (the engine's Poll drained the queue).</summary>
    public bool TakeFoundEmpty()
    {
        bool found = _foundEmpty;
        _foundEmpty = false;
        return found;
    }

    /// <summary>The shared-socket driver found a socket readable: look at the control socket again.</summary>
    public void Rearm() => _controlBatchEmpty = false;

    /// <summary>Datagrams of the shared receiver's current batch this machine has not taken yet.</summary>
    public int SharedRemaining => _shared is null ? 0 : _shared.Generation != _sharedGeneration ? _shared.Count : _shared.Count - _sharedNext;

    // Linux: recvmmsg batches (LinuxDatagramBatch), still alternating between the two sockets.
    private int ReceiveOneBatched(Span<byte> buffer, out DatagramEndpoint source)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            bool control = _readControlNext || (_groupBatch is null && _shared is null);
            _readControlNext = !_readControlNext;
            ReadOnlySpan<byte> datagram;
            uint address;
            ushort port;
            if (control)
            {
                // An empty control socket is asked again only after the group side took a new batch (or after
                // a wait): during a stream that is one recvmmsg per 32 DATA, not one per DATA.
                long mark = (_groupBatch?.Batches ?? 0) + (_shared?.Generation ?? 0);
                if (_controlBatchEmpty && mark == _controlEmptyMark) continue;
                if (!_controlBatch!.TryNext(out datagram, out address, out port))
                {
                    _controlBatchEmpty = true;
                    _controlEmptyMark = mark;
                    continue;
                }
                _controlBatchEmpty = false;
            }
            else if (_shared is not null)
            {
                if (!TryNextShared(out datagram, out address, out port)) continue;
            }
            else if (!_groupBatch!.TryNext(out datagram, out address, out port)) continue;
            if (datagram.Length > buffer.Length) { attempt--; continue; } // too long for the engine: dropped, as its rule says
            source = new DatagramEndpoint(address, port);
            datagram.CopyTo(buffer);
            return datagram.Length;
        }
        source = default;
        return 0;
    }

    private bool TryNextShared(out ReadOnlySpan<byte> datagram, out uint address, out ushort port)
    {
        SharedGroupReceiver shared = _shared!;
        if (shared.Generation != _sharedGeneration)
        {
            _sharedGeneration = shared.Generation;
            _sharedNext = 0;
        }
        while (_sharedNext < shared.Count)
        {
            if (shared.TryGet(_sharedNext++, out datagram, out address, out port)) return true;
        }
        datagram = default;
        address = 0;
        port = 0;
        return false;
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
        IPAddress group = ToIp(new DatagramEndpoint(groupAddress, 1)).Address;
        if (_shared is not null) return _shared.TryJoin(group);
        return _group is not null && TryJoinGroup(_group, group, _bindAddress);
    }

    /// <summary>Joins <paramref name="group"/> on the interface of <paramref name="bindAddress"/> when there is one (no multicast route needed).</summary>
    internal static bool TryJoinGroup(Socket socket, IPAddress group, IPAddress bindAddress)
    {
        try
        {
            var membership = bindAddress.Equals(IPAddress.Any) ? new MulticastOption(group) : new MulticastOption(group, bindAddress);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, membership);
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
        if (_controlBatch is not null)
        {
            _controlBatchEmpty = false;
            LinuxDatagramBatch.Wait(_controlBatch, _groupBatch, (int)Math.Max(1, timeout.TotalMilliseconds));
            return;
        }
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
        _controlBatch?.Dispose();
        _groupBatch?.Dispose();
        _control.Dispose();
        _group?.Dispose();
    }
}
