using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed.Bmc;

/// <summary>
/// A BMC for the tests, behind QEMU's <c>ipmi-bmc-extern</c> device (the guest sees QEMU's real KCS model):
/// it listens on a TCP port on 127.0.0.1 or on a Unix socket (which also reaches a QEMU inside a network
/// namespace), QEMU connects, and every request is answered per IPMI 2.0 by <see cref="BmcResponder"/>.
/// Faults: drop the next N requests (QEMU then answers C3h timeout itself after 4 s), answer the next N with
/// C0h node busy, or delay every answer; per BLOB subcommand: <see cref="BmcBlobStore.InjectFault"/>.
/// </summary>
public sealed class BmcSimulator : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly string _chardevAddress;
    private int _dropNext;
    private int _busyNext;

    private BmcSimulator(Socket listener, string chardevAddress, BmcResponder responder)
    {
        _listener = listener;
        _chardevAddress = chardevAddress;
        Responder = responder;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public BmcResponder Responder { get; }

    /// <summary>Every request seen (netfn, cmd, data), in order, including dropped ones.</summary>
    public ConcurrentQueue<BmcRequest> Requests { get; } = new();

    /// <summary>Every answered exchange: when the request arrived, when the answer went, IPMI bytes each way (no framing).</summary>
    public ConcurrentQueue<BmcExchange> Exchanges { get; } = new();

    /// <summary>Control commands QEMU sent (FFh version, 08h capabilities, 04h reset ...).</summary>
    public ConcurrentQueue<byte> ControlCommands { get; } = new();

    public int ChecksumErrors => _checksumErrors;
    private int _checksumErrors;

    public int Connections => _connections;
    private int _connections;

    /// <summary>Delay before each answer.</summary>
    public TimeSpan Delay { get; set; }

    public void DropNext(int count) => Interlocked.Exchange(ref _dropNext, count);

    public void BusyNext(int count) => Interlocked.Exchange(ref _busyNext, count);

    /// <summary>Listens on 127.0.0.1 (port 0: a free one).</summary>
    public static BmcSimulator StartTcp(BmcResponder responder, int port = 0)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1);
        int bound = ((IPEndPoint)listener.LocalEndPoint!).Port;
        return new BmcSimulator(listener, $"host=127.0.0.1,port={bound}", responder);
    }

    /// <summary>Listens on a Unix socket at <paramref name="path"/> (replaced if it exists).</summary>
    public static BmcSimulator StartUnix(BmcResponder responder, string path)
    {
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        return new BmcSimulator(listener, "path=" + path, responder);
    }

    /// <summary>QEMU's arguments for a KCS interface (ISA, QEMU's default ports CA2h/CA3h) backed by this BMC.</summary>
    public string[] QemuArguments() => QemuKcsDevice.Arguments(_chardevAddress);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            using (connection)
            {
                try
                {
                    await ServeAsync(connection);
                }
                catch (SocketException)
                {
                    // QEMU went away; it reconnects if it comes back.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        var reader = new BmcFrameReader();
        var buffer = new byte[4096];
        while (true)
        {
            int received = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (received == 0)
                return;
            for (int i = 0; i < received; i++)
            {
                if (!reader.Add(buffer[i], out BmcFrameKind kind, out byte[] frame))
                    continue;
                if (kind == BmcFrameKind.Control && frame.Length > 0)
                    ControlCommands.Enqueue(frame[0]);
                else if (kind == BmcFrameKind.Message)
                    await AnswerAsync(connection, frame);
            }
        }
    }

    private async Task AnswerAsync(Socket connection, byte[] frame)
    {
        // seq, netfn/lun, cmd, checksum at least; QEMU never sends less.
        if (frame.Length < 4 || !BmcFrame.ChecksumValid(frame))
        {
            Interlocked.Increment(ref _checksumErrors);
            return;
        }
        long received = Microseconds();
        var request = new BmcRequest((byte)(frame[1] >> 2), (byte)(frame[1] & 3), frame[2], frame.AsSpan(3, frame.Length - 4).ToArray());
        Requests.Enqueue(request);
        if (TakeOne(ref _dropNext))
            return;
        byte[]? answer = TakeOne(ref _busyNext) ? BmcResponder.CompletionOnly(0xC0) : Responder.Answer(request);
        if (answer == null)
            return; // the responder dropped it (a BLOB fault)
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay, _stop.Token);
        // seq, (netfn+1)<<2 | lun, cmd, cc, data.
        var body = new byte[3 + answer.Length];
        body[0] = frame[0];
        body[1] = (byte)(((request.NetFn | 1) << 2) | request.Lun);
        body[2] = request.Command;
        answer.CopyTo(body, 3);
        await connection.SendAsync(BmcFrame.EncodeMessage(body), SocketFlags.None, _stop.Token);
        Exchanges.Enqueue(new BmcExchange(received, Microseconds(), frame.Length - 2, body.Length - 1));
    }

    private static long Microseconds() => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency;

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            int current = Volatile.Read(ref counter);
            if (current <= 0)
                return false;
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
                return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
