using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Agent.Instructions;

namespace UefiRecovery.Agent;

/// <summary>
/// The one UDP socket: blocks in recvfrom until a datagram arrives (no timer, no polling: an idle agent uses no
/// CPU), hands it to the handler, and sends the reports from the same socket.
/// </summary>
internal sealed class AgentService : IReportSender, IDisposable
{
    private readonly Socket _socket;
    private readonly TextWriter _log;

    public AgentService(IPEndPoint listen, TextWriter log)
    {
        _log = log;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(listen);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public void Run(InstructionHandler handler)
    {
        // Larger than any instruction (648 bytes): a longer datagram is still read whole and rejected as malformed.
        byte[] buffer = new byte[9000];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, ref any);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset || e.SocketErrorCode == SocketError.MessageSize)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted || e.SocketErrorCode == SocketError.Interrupted
                || e.SocketErrorCode == SocketError.Shutdown)
            {
                return; // Dispose (tests) ends the loop
            }
            handler.Handle(buffer.AsSpan(0, length), (IPEndPoint)any);
        }
    }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => _socket.SendTo(datagram, SocketFlags.None, destination);

    public void Dispose() => _socket.Dispose();
}
