using System;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Manager.Serving.Network;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The donor's sendmmsg batch over real loopback sockets: every datagram arrives, byte-exact, in order.</summary>
public class LinuxSendBatchTests
{
    [LinuxOnlyFact("sendmmsg is Linux only; the manager uses sendto elsewhere")]
    public void Flush_MoreThanOneBatchAndTwoDestinations_EveryDatagramArrivesInOrder()
    {
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var first = Receiver();
        using var second = Receiver();
        using var batch = new LinuxSendBatch(sender);

        // 70 datagrams to the first receiver (more than two full batches), then 5 to the second: the switch flushes.
        const int ToFirst = 70, ToSecond = 5;
        for (int i = 0; i < ToFirst + ToSecond; i++)
        {
            Socket target = i < ToFirst ? first : second;
            Span<byte> slot = batch.NextSlot((IPEndPoint)target.LocalEndPoint!);
            int length = 100 + i * 13;
            for (int k = 0; k < length; k++) slot[k] = (byte)(i * 31 + k);
            batch.Commit(length);
        }
        batch.Flush();

        Assert.Equal(0, batch.Failures);
        Assert.Equal(0, batch.Count);
        for (int i = 0; i < ToFirst + ToSecond; i++)
        {
            Socket target = i < ToFirst ? first : second;
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            int received = target.ReceiveFrom(buffer, ref from);
            Assert.Equal(100 + i * 13, received);
            for (int k = 0; k < received; k++) Assert.Equal((byte)(i * 31 + k), buffer[k]);
            Assert.Equal(((IPEndPoint)sender.LocalEndPoint!).Port, ((IPEndPoint)from).Port);
        }
        Assert.True(batch.Syscalls >= 4, "70 + 5 datagrams in batches of at most 32 need at least 4 sendmmsg calls");
    }

    private static Socket Receiver()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 5000 };
        socket.ReceiveBufferSize = 1 << 20;
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
