using System;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>The TCP client on a TAP against the real Linux TCP stack (a Python server in the namespace).</summary>
    [Collection("TapNetwork")]
    public class LinuxTcpTests
    {
        /// <summary>Reads one request line, answers with N deterministic bytes and its SHA-256 first, then closes.</summary>
        private const string Server = @"
import hashlib, socket, sys
size = int(sys.argv[1])
data = bytes((i * 7 + 3) & 0xFF for i in range(size))
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('10.78.0.1', 8080))
s.listen(1)
s.settimeout(60)
print('ready', flush=True)
c, addr = s.accept()
c.settimeout(60)
line = b''
while not line.endswith(b'\n'):
    chunk = c.recv(100)
    if not chunk: break
    line += chunk
c.sendall(data)
c.close()
print('sent', line.decode().strip(), addr[1], hashlib.sha256(data).hexdigest(), flush=True)
";

        private static byte[] Expected(int size)
        {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) b[i] = (byte)(i * 7 + 3);
            return b;
        }

        /// <summary>Connects, sends a line, reads until the server's FIN, closes; returns what arrived.</summary>
        private static byte[] Download(TapNetwork net, TcpSocket socket, int size, int timeoutMs, out TimeSpan elapsed)
        {
            var received = new byte[size + 1];
            int total = 0;
            var sw = Stopwatch.StartNew();
            Assert.True(net.Locked(() => socket.Connect(TapNetwork.LinuxAddress, 8080, 41000, 0x12345678, net.Now)));
            Assert.True(net.WaitUntil(() => socket.State == TcpState.Established, 10_000), "no handshake: " + socket.State);
            Assert.Equal(14, net.Locked(() => socket.Send(Encoding.ASCII.GetBytes("GET netstack\r\n"))));
            byte[] chunk = new byte[65536];
            while (sw.ElapsedMilliseconds < timeoutMs)
            {
                int n = net.Locked(() => socket.Receive(chunk));
                if (n > 0)
                {
                    Assert.True(total + n <= received.Length, "more bytes than the server sent");
                    chunk.AsSpan(0, n).CopyTo(received.AsSpan(total));
                    total += n;
                    continue;
                }
                if (net.Locked(() => socket.PeerFinished && socket.ReceivedCount == 0)) break;
                if (!net.Locked(() => socket.IsOpen) && socket.State == TcpState.Closed) break;
                System.Threading.Thread.Sleep(1);
            }
            elapsed = sw.Elapsed;
            TcpCounters k = socket.Counters;
            Assert.True(socket.PeerFinished, $"no FIN after {total} bytes: state={socket.State} in={k.SegmentsReceived} out={k.SegmentsSent} " +
                $"accepted={k.Outcome(TcpSegmentOutcome.Accepted)} out-of-order={k.Outcome(TcpSegmentOutcome.OutOfOrder)} " +
                $"out-of-window={k.Outcome(TcpSegmentOutcome.OutOfWindow)} rcv.nxt={socket.ReceiveNext:X8} lost={net.Lossy.Dropped} " +
                $"frames={net.Iface.Counters.FramesReceived} dropped={net.Iface.Counters.DroppedTotal} nosock={net.Iface.Counters.TcpNoSocket} notforus={net.Iface.Counters.FramesNotForUs} " +
                $"unsupported={net.Iface.Counters.FramesUnsupported} arp-replies={net.Iface.Counters.ArpRepliesSent} tx-nobuf={net.Iface.Counters.TransmitNoBuffer} noroute={net.Iface.Counters.NoRoute} arp-req={net.Iface.Counters.ArpRequestsSent} " +
                net.InNs("ip", "neigh") + net.InNs("ss", "-tni"));
            net.Locked(() => { socket.Close(); return 0; });
            Assert.True(net.WaitUntil(() => !socket.IsOpen, 10_000), "no orderly close: " + socket.State);
            return received.AsSpan(0, total).ToArray();
        }

        [RootFact("ip", "python3")]
        public void Download_FromLinuxServer_EveryByteInOrderAndOrderlyClose()
        {
            const int Size = 2 * 1024 * 1024;
            using var net = new TapNetwork();
            net.Iface.SetAddress(TapNetwork.StackAddress, TapNetwork.Mask, Ipv4Address.Unspecified, net.Now);
            var socket = new TcpSocket(new TcpConfig());
            Assert.True(net.Iface.TryAttachTcp(socket));
            net.Start();
            string script = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"net-tcp-server-{Environment.ProcessId}.py");
            System.IO.File.WriteAllText(script, Server);
            try
            {
                using var server = net.StartInNs("python3", $"{script} {Size}");
                Assert.Equal("ready", server.StandardOutput.ReadLine());
                byte[] got = Download(net, socket, Size, 60_000, out TimeSpan elapsed);
                Assert.Equal(Size, got.Length);
                Assert.True(got.AsSpan().SequenceEqual(Expected(Size)), "bytes differ");
                string? line = server.StandardOutput.ReadLine();
                Assert.Equal($"sent GET netstack 41000 {Convert.ToHexString(SHA256.HashData(got)).ToLowerInvariant()}", line);
                Assert.Equal(TcpCloseReason.Finished, socket.CloseReason);
                TcpCounters c = socket.Counters;
                Assert.Equal(c.SegmentsReceived, c.OutcomeTotal);
                Console.WriteLine($"linux tcp: {Size} bytes in {elapsed.TotalMilliseconds:F0} ms ({Size / 1024.0 / elapsed.TotalSeconds:F0} KiB/s), " +
                    $"segments in={c.SegmentsReceived} out={c.SegmentsSent} out-of-order={c.Outcome(TcpSegmentOutcome.OutOfOrder)} " +
                    $"out-of-window={c.Outcome(TcpSegmentOutcome.OutOfWindow)} retransmissions={c.Retransmissions}");
            }
            finally
            {
                System.IO.File.Delete(script);
            }
        }

        /// <summary>
        /// 5 % of the frames from Linux are lost before the stack (<see cref="LossyDevice"/>; this kernel has no netem, and an
        /// nftables drop in the server's own output path is reported to its TCP, which just sends again): Linux repairs
        /// with fast retransmit and timeouts, the stack drops what arrives out of order and re-ACKs.
        /// </summary>
        [RootFact("ip", "python3")]
        public void Download_FivePercentLoss_EveryByteInOrder()
        {
            const int Size = 512 * 1024;
            using var net = new TapNetwork(receiveLossPercent: 5);
            net.Iface.SetAddress(TapNetwork.StackAddress, TapNetwork.Mask, Ipv4Address.Unspecified, net.Now);
            var socket = new TcpSocket(new TcpConfig());
            Assert.True(net.Iface.TryAttachTcp(socket));
            net.Start();
            string script = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"net-tcp-loss-{Environment.ProcessId}.py");
            System.IO.File.WriteAllText(script, Server);
            try
            {
                using var server = net.StartInNs("python3", $"{script} {Size}");
                Assert.Equal("ready", server.StandardOutput.ReadLine());
                byte[] got = Download(net, socket, Size, 120_000, out TimeSpan elapsed);
                Assert.Equal(Size, got.Length);
                Assert.True(got.AsSpan().SequenceEqual(Expected(Size)), "bytes differ");
                TcpCounters c = socket.Counters;
                // 5 % of some 360 segments: the loss must have been there, and been repaired.
                long dropped = net.Locked(() => net.Lossy.Dropped);
                Assert.True(dropped > 0, "nothing dropped");
                Assert.True(c.Outcome(TcpSegmentOutcome.OutOfOrder) > 0, "no gap seen");
                Console.WriteLine("dropped " + dropped + " received frames");
                Console.WriteLine($"linux tcp, 5% loss: {Size} bytes in {elapsed.TotalMilliseconds:F0} ms, out-of-order={c.Outcome(TcpSegmentOutcome.OutOfOrder)} " +
                    $"out-of-window={c.Outcome(TcpSegmentOutcome.OutOfWindow)} retransmissions={c.Retransmissions}");
            }
            finally
            {
                System.IO.File.Delete(script);
            }
        }

        [RootFact("ip")]
        public void Connect_NothingListening_RefusedByLinuxRst()
        {
            using var net = new TapNetwork();
            net.Iface.SetAddress(TapNetwork.StackAddress, TapNetwork.Mask, Ipv4Address.Unspecified, net.Now);
            var socket = new TcpSocket(new TcpConfig());
            Assert.True(net.Iface.TryAttachTcp(socket));
            net.Start();
            Assert.True(net.Locked(() => socket.Connect(TapNetwork.LinuxAddress, 8081, 41001, 0xDEADBEEF, net.Now)));
            Assert.True(net.WaitUntil(() => socket.State == TcpState.Closed, 10_000), "still " + socket.State);
            Assert.Equal(TcpCloseReason.Refused, socket.CloseReason);
        }
    }
}
