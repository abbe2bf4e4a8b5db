using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Serving.Network;

/// <summary>
/// The <see cref="IUdpChannel"/> on a real UDP socket: the manager's (or a simulated client's) single socket. Broadcast is enabled so one send reaches
/// every client on the segment; SO_REUSEADDR lets several processes share a well-known client port
/// (every client in a broadcast session listens on the same port); a multicast group can be joined.
/// </summary>
public sealed class UdpSocketChannel : IUdpChannel
{
    // Large buffers: a burst of DATA at line rate must not overflow the kernel queue while we are scheduled out.
    private const int SocketBufferBytes = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private long _sendFailures;
    private CachedAddress? _cached;

    private sealed record CachedAddress(IPEndPoint EndPoint, SocketAddress Address);

    public UdpSocketChannel(IPEndPoint bindTo, bool reuseAddress = false, IPAddress? multicastGroup = null, IPAddress? multicastInterface = null)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (reuseAddress) _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.EnableBroadcast = true;
            SetBuffers(_socket, SocketBufferBytes);
            _socket.Bind(bindTo);
            if (multicastGroup is not null)
            {
                var iface = multicastInterface ?? IPAddress.Any;
                _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(multicastGroup, iface));
                if (!iface.Equals(IPAddress.Any)) _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, iface.GetAddressBytes());
                _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            }
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends the kernel refused (ENOBUFS, EHOSTUNREACH, ...): UDP is lossy anyway, the repair rounds cover them.</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Sets the outgoing interface for multicast sends (the manager's side of a multicast session).</summary>
    public void SetMulticastSendInterface(IPAddress localAddress) =>
        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, localAddress.GetAddressBytes());

    /// <summary>How many router hops multicast sends may cross.</summary>
    public void SetMulticastTtl(int ttl) => _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, ttl);

    /// <summary>Linux: a sendmmsg batch on this socket (the caller owns and disposes it).</summary>
    public LinuxSendBatch CreateSendBatch() => new LinuxSendBatch(_socket);

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        try
        {
            // DATA goes to one destination tens of thousands of times a second: serialize it once.
            // One immutable pair, swapped whole: a shutdown ABORT from another thread never mixes two destinations.
            CachedAddress? cached = Volatile.Read(ref _cached);
            if (cached is null || !cached.EndPoint.Equals(destination))
            {
                cached = new CachedAddress(destination, destination.Serialize());
                Volatile.Write(ref _cached, cached);
            }
            _socket.SendTo(datagram, SocketFlags.None, cached.Address);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendFailures);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down: nothing to send to any more.
        }
    }

    public async ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var any = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            try
            {
                SocketReceiveFromResult result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                return new ReceivedDatagram(result.ReceivedBytes, (IPEndPoint)result.RemoteEndPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.ConnectionRefused)
            {
                // An ICMP port-unreachable from an earlier send, or a datagram larger than our buffer: not a reason to stop listening.
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>
    /// Asks for large kernel buffers. SO_RCVBUFFORCE/SO_SNDBUFFORCE (Linux, CAP_NET_ADMIN) go past
    /// net.core.rmem_max without changing that system-wide setting; without the capability the
    /// ordinary options (capped by the kernel) are used.
    /// </summary>
    public static void SetBuffers(Socket socket, int bytes)
    {
        const int SolSocket = 1, SoSndBufForce = 32, SoRcvBufForce = 33;
        socket.ReceiveBufferSize = bytes;
        socket.SendBufferSize = bytes;
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(bytes));
            socket.SetRawSocketOption(SolSocket, SoSndBufForce, BitConverter.GetBytes(bytes));
        }
        catch (SocketException)
        {
            // Not permitted: the capped buffers stay; losses are repaired anyway.
        }
    }
}
