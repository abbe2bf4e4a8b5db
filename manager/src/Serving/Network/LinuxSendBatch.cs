using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace UefiRecovery.Manager.Serving.Network;

/// <summary>
/// Linux only: collects up to <see cref="Capacity"/> datagrams for ONE IPv4 destination in memory allocated
/// once and sends them with a single sendmmsg(2). The donor sends a pass as tens of thousands of DATA to one
/// group address; one syscall per batch instead of per datagram leaves more of its core for the rest of the
/// send path. Datagrams go out in the order they were added. Not thread-safe (the engine thread owns it).
/// </summary>
public sealed unsafe class LinuxSendBatch : IDisposable
{
    public const int Capacity = 32;
    public const int SlotBytes = LinuxDatagramBatch.SlotBytes;

    private const ushort AfInet = 2;
    private const int EIntr = 4;

    private readonly int _fd;
    private readonly byte* _buffers;
    private readonly MMsgHdr* _messages;
    private readonly IoVec* _iovecs;
    private readonly SockAddrIn* _name;
    private IPEndPoint? _destination;
    private int _count;

    public LinuxSendBatch(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("sendmmsg is Linux only");
        _fd = (int)socket.Handle;
        _buffers = (byte*)NativeMemory.AllocZeroed((nuint)(Capacity * SlotBytes));
        _messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(MMsgHdr)));
        _iovecs = (IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(IoVec)));
        _name = (SockAddrIn*)NativeMemory.AllocZeroed((nuint)sizeof(SockAddrIn));
        // Everything but each datagram's length is fixed per slot (sendmmsg writes back only msg_len);
        // control and flags stay zero from AllocZeroed.
        for (int i = 0; i < Capacity; i++)
        {
            _iovecs[i].Base = _buffers + (long)i * SlotBytes;
            _messages[i].Header.Name = _name;
            _messages[i].Header.NameLength = (uint)sizeof(SockAddrIn);
            _messages[i].Header.Iov = &_iovecs[i];
            _messages[i].Header.IovLength = 1;
        }
    }

    /// <summary>Datagrams the kernel refused (counted, never thrown, like <see cref="UdpSocketChannel.Send"/>).</summary>
    public long Failures { get; private set; }

    /// <summary>sendmmsg calls made (datagrams ÷ this = the batch size achieved).</summary>
    public long Syscalls { get; private set; }

    public int Count => _count;

    /// <summary>Whether this batch can carry datagrams to <paramref name="destination"/> (IPv4 only).</summary>
    public static bool CanSendTo(IPEndPoint destination) => destination.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>
    /// The slot the next datagram for <paramref name="destination"/> is written into; call <see cref="Commit"/>
    /// with its length. A full batch, or one for another destination, is sent first.
    /// </summary>
    public Span<byte> NextSlot(IPEndPoint destination)
    {
        if (_count == Capacity) Flush();
        if (_destination is null || !_destination.Equals(destination))
        {
            if (_count > 0) Flush();
            _destination = destination;
            Span<byte> address = stackalloc byte[4];
            destination.Address.TryWriteBytes(address, out _);
            _name->Family = AfInet;
            _name->Port = (ushort)IPAddress.HostToNetworkOrder((short)destination.Port);
            _name->Address = MemoryMarshal.Read<uint>(address);
            _name->Zero = 0;
        }
        return new Span<byte>(_buffers + (long)_count * SlotBytes, SlotBytes);
    }

    public void Commit(int length)
    {
        if (length <= 0 || length > SlotBytes) return;
        _iovecs[_count].Length = (nuint)length;
        _count++;
    }

    /// <summary>Sends every committed datagram (blocking socket: waits for buffer space as SendTo does).</summary>
    public void Flush()
    {
        int sent = 0;
        while (sent < _count)
        {
            int n = sendmmsg(_fd, _messages + sent, (uint)(_count - sent), 0);
            if (n > 0)
            {
                Syscalls++;
                sent += n;
                continue;
            }
            if (n < 0 && Marshal.GetLastPInvokeError() == EIntr) continue;
            // The first datagram left was refused (ENOBUFS, no route...): count it and go on with the rest.
            Failures++;
            sent++;
        }
        _count = 0;
    }

    public void Dispose()
    {
        NativeMemory.Free(_buffers);
        NativeMemory.Free(_messages);
        NativeMemory.Free(_iovecs);
        NativeMemory.Free(_name);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sendmmsg(int fd, MMsgHdr* messages, uint count, int flags);
}
