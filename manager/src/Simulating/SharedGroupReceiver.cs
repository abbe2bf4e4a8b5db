using System;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Manager.Serving.Network;

namespace UefiRecovery.Manager.Simulating;

/// <summary>
/// `simulate --shared-group-socket`: ONE socket on the shared client port receives the broadcast/multicast
/// DATA and STATUS_REQUEST for every simulated machine, and each batch is handed to every machine's engine
/// in turn (<see cref="SocketClientTransport"/> reads it like its own socket). What this changes, exactly:
/// the kernel delivers and copies each datagram once instead of once per machine, and the machines run
/// on one thread instead of one each. What it does not change: every engine still receives, CRC-checks,
/// parses and copies every datagram itself, per-machine --faults still roll per machine on what that
/// machine receives, and each machine keeps its own control socket for its unicast traffic. The default
/// (one group socket per machine) stays: it is what independent machines look like to the kernel.
/// </summary>
public sealed class SharedGroupReceiver : IDisposable
{
    private readonly Socket _socket;
    private readonly LinuxDatagramBatch _batch;
    private readonly System.Collections.Generic.HashSet<uint> _joinedGroups = new();
    private readonly IPAddress _bindAddress;

    public SharedGroupReceiver(IPAddress bindAddress, int groupPort, int receiveBufferBytes)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("--shared-group-socket needs Linux (recvmmsg)");
        _bindAddress = bindAddress;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false, EnableBroadcast = true };
        try
        {
            UdpSocketChannel.SetBuffers(_socket, receiveBufferBytes);
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(new IPEndPoint(IPAddress.Any, groupPort));
            _batch = new LinuxDatagramBatch(_socket);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>Bumped by every <see cref="Fill"/> that took datagrams: readers restart their cursor on a new batch.</summary>
    public long Generation { get; private set; }

    public int Count { get; private set; }

    internal LinuxDatagramBatch Batch => _batch;

    /// <summary>Takes the next batch from the socket; 0 when nothing is waiting.</summary>
    public int Fill()
    {
        Count = _batch.Fill();
        if (Count > 0) Generation++;
        return Count;
    }

    public bool TryGet(int index, out ReadOnlySpan<byte> datagram, out uint sourceAddress, out ushort sourcePort) =>
        _batch.TryGet(index, out datagram, out sourceAddress, out sourcePort);

    /// <summary>Joins a multicast group once for all machines (each engine asks; the kernel needs it once).</summary>
    public bool TryJoin(IPAddress group)
    {
        uint key = BitConverter.ToUInt32(group.GetAddressBytes());
        if (_joinedGroups.Contains(key)) return true;
        if (!SocketClientTransport.TryJoinGroup(_socket, group, _bindAddress)) return false;
        _joinedGroups.Add(key);
        return true;
    }

    public void Dispose()
    {
        _batch.Dispose();
        _socket.Dispose();
    }
}
