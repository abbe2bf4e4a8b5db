using System;
using System.Runtime.InteropServices;
using UefiRecovery.Netstack.Phy;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>
    /// Host-only frame device over a Linux TAP interface (/dev/net/tun, TUNSETIFF with IFF_TAP |
    /// IFF_NO_PI, see Documentation/networking/tuntap.rst). Non-blocking: TryReceive returns false
    /// when no frame is waiting. Lives in the test project: portable code never does I/O.
    /// </summary>
    public sealed unsafe class TapDevice : IFrameDevice, IDisposable
    {
        private const int O_RDWR = 2;
        private const int O_NONBLOCK = 0x800;
        private const uint TUNSETIFF = 0x400454ca;
        private const short IFF_TAP = 0x0002;
        private const short IFF_NO_PI = 0x1000;
        private const short POLLIN = 0x0001;

        [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
        [DllImport("libc", SetLastError = true)] private static extern int ioctl(int fd, nuint request, void* arg);
        [DllImport("libc", SetLastError = true)] private static extern nint read(int fd, void* buffer, nuint count);
        [DllImport("libc", SetLastError = true)] private static extern nint write(int fd, void* buffer, nuint count);
        [DllImport("libc", SetLastError = true)] private static extern int poll(PollFd* fds, nuint count, int timeoutMs);
        [DllImport("libc", SetLastError = true)] private static extern int close(int fd);

        [StructLayout(LayoutKind.Sequential)]
        private struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        private readonly byte[] _rx = new byte[2048];
        private readonly byte[] _tx = new byte[2048];
        private int _fd;
        private int _pending = -1;

        public TapDevice(string name, MacAddress mac)
        {
            Name = name;
            MacAddress = mac;
            _fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
            if (_fd < 0) throw new InvalidOperationException($"open /dev/net/tun: errno {Marshal.GetLastPInvokeError()}");
            // struct ifreq: char ifr_name[16]; then a union whose first member is short ifr_flags (40 bytes in all).
            byte* ifr = stackalloc byte[40];
            new Span<byte>(ifr, 40).Clear();
            for (int i = 0; i < name.Length && i < 15; i++) ifr[i] = (byte)name[i];
            *(short*)(ifr + 16) = IFF_TAP | IFF_NO_PI;
            if (ioctl(_fd, TUNSETIFF, ifr) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                close(_fd);
                _fd = -1;
                throw new InvalidOperationException($"TUNSETIFF {name}: errno {errno}");
            }
        }

        public string Name { get; }
        public MacAddress MacAddress { get; }
        public int MaximumFrameLength => 1514;
        public long FramesReceived { get; private set; }
        public long FramesSent { get; private set; }

        public bool TryReceive(out ReadOnlySpan<byte> frame)
        {
            frame = default;
            nint n;
            fixed (byte* p = _rx) n = read(_fd, p, (nuint)_rx.Length);
            if (n <= 0) return false;
            FramesReceived++;
            frame = new ReadOnlySpan<byte>(_rx, 0, (int)n);
            return true;
        }

        public bool TryBeginTransmit(int length, out Span<byte> frame)
        {
            if (length > _tx.Length || _pending >= 0)
            {
                frame = default;
                return false;
            }
            _pending = length;
            frame = new Span<byte>(_tx, 0, length);
            return true;
        }

        public void EndTransmit()
        {
            if (_pending < 0) return;
            fixed (byte* p = _tx) write(_fd, p, (nuint)_pending);
            _pending = -1;
            FramesSent++;
        }

        // A TAP delivers every frame to the reader; there is no receive filter to program.
        public bool TryJoinMulticast(MacAddress group) => true;

        /// <summary>Waits up to <paramref name="timeoutMs"/> for a frame to become readable.</summary>
        public void WaitReadable(int timeoutMs)
        {
            PollFd pfd = new PollFd { Fd = _fd, Events = POLLIN };
            poll(&pfd, 1, timeoutMs);
        }

        public void Dispose()
        {
            if (_fd >= 0) close(_fd);
            _fd = -1;
        }
    }
}
