using System;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace UefiRecovery.Manager.Serving.Network;

/// <summary>
/// Linux only: takes up to <see cref="Capacity"/> waiting datagrams from one non-blocking UDP socket with
/// a single recvmmsg(2) into memory allocated once, and hands them out one by one. 20 simulated machines
/// on one 2-core host each receive every broadcast DATA; one syscall (and no exception on an empty
/// socket, which .NET's ReceiveFrom throws for EWOULDBLOCK) per batch instead of per datagram is what
/// lets them keep up with a sender at line rate. <see cref="Wait"/> is poll(2) on one or two sockets.
/// </summary>
public sealed unsafe class LinuxDatagramBatch : IDisposable
{
    public const int Capacity = 32;
    public const int SlotBytes = 9216; // ≥ the protocol's largest datagram (8972, §5.2)

    private const int MsgDontWait = 0x40;
    private const int MsgTrunc = 0x20;
    private const int EIntr = 4;
    private const short PollIn = 0x1;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly byte* _buffers;
    private readonly MMsgHdr* _messages;
    private readonly IoVec* _iovecs;
    private readonly SockAddrIn* _names;
    private int _count;
    private int _next;

    public LinuxDatagramBatch(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("recvmmsg is Linux only");
        _socket = socket;
        _fd = (int)socket.Handle;
        _buffers = (byte*)NativeMemory.AllocZeroed((nuint)(Capacity * SlotBytes));
        _messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(MMsgHdr)));
        _iovecs = (IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(IoVec)));
        _names = (SockAddrIn*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(SockAddrIn)));
    }

    /// <summary>Datagrams taken by the last receive that were not handed out yet.</summary>
    public int Remaining => _count - _next;

    /// <summary>Syscalls that returned at least one datagram (for the curious: datagrams ÷ this = batch size).</summary>
    public long Batches { get; private set; }

    /// <summary>
    /// The next datagram: from the batch in hand, else from one recvmmsg. False when the socket is empty.
    /// Truncated datagrams (larger than a slot) are skipped: the engine would drop them as too long anyway.
    /// </summary>
    public bool TryNext(out ReadOnlySpan<byte> datagram, out uint sourceAddress, out ushort sourcePort)
    {
        while (true)
        {
            if (_next >= _count && !Refill())
            {
                datagram = default;
                sourceAddress = 0;
                sourcePort = 0;
                return false;
            }
            if (TryGet(_next++, out datagram, out sourceAddress, out sourcePort)) return true;
        }
    }

    /// <summary>
    /// Takes a new batch (dropping whatever of the old one was not handed out) and returns how many
    /// datagrams it holds; 0 when the socket is empty. With <see cref="TryGet"/> several readers can each
    /// walk the same batch (the simulator's shared group socket).
    /// </summary>
    public int Fill() => Refill() ? _count : 0;

    /// <summary>Datagram <paramref name="index"/> of the batch in hand; false for a truncated one (skip it).</summary>
    public bool TryGet(int index, out ReadOnlySpan<byte> datagram, out uint sourceAddress, out ushort sourcePort)
    {
        MMsgHdr* message = &_messages[index];
        if (index >= _count || (message->Header.Flags & MsgTrunc) != 0)
        {
            datagram = default;
            sourceAddress = 0;
            sourcePort = 0;
            return false;
        }
        datagram = new ReadOnlySpan<byte>(_buffers + index * SlotBytes, (int)message->Length);
        sourceAddress = BinaryPrimitives.ReverseEndianness(_names[index].Address);
        sourcePort = BinaryPrimitives.ReverseEndianness(_names[index].Port);
        return true;
    }

    /// <summary>Blocks until any of the sockets is readable or the timeout passes (batches in hand are not looked at).</summary>
    public static void WaitAny(LinuxDatagramBatch[] batches, int timeoutMs)
    {
        if (batches.Length == 0 || batches.Length > 4096) return;
        PollFd* fds = stackalloc PollFd[batches.Length];
        for (int i = 0; i < batches.Length; i++) fds[i] = new PollFd { Fd = batches[i]._fd, Events = PollIn };
        poll(fds, (nuint)batches.Length, timeoutMs);
    }

    private bool Refill()
    {
        _count = 0;
        _next = 0;
        for (int i = 0; i < Capacity; i++)
        {
            _iovecs[i] = new IoVec { Base = _buffers + i * SlotBytes, Length = SlotBytes };
            _messages[i] = new MMsgHdr
            {
                Header = new MsgHdr { Name = &_names[i], NameLength = (uint)sizeof(SockAddrIn), Iov = &_iovecs[i], IovLength = 1 },
            };
        }
        while (true)
        {
            int n = recvmmsg(_fd, _messages, Capacity, MsgDontWait, null);
            if (n > 0)
            {
                _count = n;
                Batches++;
                return true;
            }
            int error = Marshal.GetLastPInvokeError();
            if (n < 0 && error == EIntr) continue;
            // EAGAIN: empty. Anything else (ECONNREFUSED from an earlier ICMP, a closed socket) also means
            // "nothing now"; the caller waits and tries again, as after a lost datagram.
            GC.KeepAlive(_socket);
            return false;
        }
    }

    /// <summary>Blocks until either batch has a datagram (in hand or in its socket) or the timeout passes.</summary>
    public static void Wait(LinuxDatagramBatch first, LinuxDatagramBatch? second, int timeoutMs)
    {
        if (first.Remaining > 0 || second is { Remaining: > 0 }) return;
        PollFd* fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = first._fd, Events = PollIn };
        int count = 1;
        if (second is not null) fds[count++] = new PollFd { Fd = second._fd, Events = PollIn };
        poll(fds, (nuint)count, timeoutMs);
    }

    public void Dispose()
    {
        NativeMemory.Free(_buffers);
        NativeMemory.Free(_messages);
        NativeMemory.Free(_iovecs);
        NativeMemory.Free(_names);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int recvmmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(PollFd* fds, nuint count, int timeoutMs);

    // struct pollfd (LP64); the message structures are in LinuxMessageHeaders.cs.
    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
