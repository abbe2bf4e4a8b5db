using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// A UDP socket bound to one local port, with bounded receive and transmit rings of fixed-size
    /// slots allocated once in the constructor. When the receive ring is full, new datagrams are
    /// dropped and counted (the protocol above repairs loss; the stack never blocks or grows).
    /// The interface drains the transmit ring in <c>Interface.Poll</c>.
    /// </summary>
    public sealed class UdpSocket
    {
        /// <summary>Largest payload in one Ethernet frame without fragmentation: 1500 - 20 - 8.</summary>
        public const int MaximumPayloadOverEthernet = 1472;

        private readonly byte[] _rxData;
        private readonly UdpDatagramInfo[] _rxInfo;
        private int _rxHead;
        private int _rxCount;

        private readonly byte[] _txData;
        private readonly UdpEndpoint[] _txDestination;
        private readonly int[] _txLength;
        private int _txHead;
        private int _txCount;
        private bool _txReserved;

        public UdpSocket(ushort localPort, int receiveSlots, int transmitSlots, int slotSize = MaximumPayloadOverEthernet)
        {
            LocalPort = localPort;
            SlotSize = slotSize;
            _rxData = new byte[receiveSlots * slotSize];
            _rxInfo = new UdpDatagramInfo[receiveSlots];
            _txData = new byte[transmitSlots * slotSize];
            _txDestination = new UdpEndpoint[transmitSlots];
            _txLength = new int[transmitSlots];
        }

        public ushort LocalPort { get; }
        public int SlotSize { get; }
        public int ReceiveQueued => _rxCount;
        public int TransmitQueued => _txCount;

        /// <summary>Datagrams dropped because the receive ring was full or they exceeded a slot.</summary>
        public long ReceiveDropped { get; private set; }
        /// <summary>Datagrams dropped at transmit: no route, or ARP resolution of the next hop failed.</summary>
        public long TransmitDropped { get; private set; }

        /// <summary>Copies the oldest datagram into <paramref name="destination"/> and dequeues it.</summary>
        public UdpStatus TryReceive(Span<byte> destination, out UdpDatagramInfo info)
        {
            info = default;
            if (_rxCount == 0) return UdpStatus.Empty;
            UdpDatagramInfo head = _rxInfo[_rxHead];
            if (head.Length > destination.Length) return UdpStatus.TooLarge;
            _rxData.AsSpan(_rxHead * SlotSize, head.Length).CopyTo(destination);
            info = head;
            DiscardReceived();
            return UdpStatus.Ok;
        }

        /// <summary>Lends the oldest datagram without copying; valid until <see cref="DiscardReceived"/>.</summary>
        public bool TryPeek(out ReadOnlySpan<byte> payload, out UdpDatagramInfo info)
        {
            if (_rxCount == 0)
            {
                payload = default;
                info = default;
                return false;
            }
            info = _rxInfo[_rxHead];
            payload = _rxData.AsSpan(_rxHead * SlotSize, info.Length);
            return true;
        }

        public void DiscardReceived()
        {
            if (_rxCount == 0) return;
            _rxHead = (_rxHead + 1) % _rxInfo.Length;
            _rxCount--;
        }

        /// <summary>Queues a copy of <paramref name="payload"/> for <paramref name="destination"/> (unicast, broadcast or multicast).</summary>
        public UdpStatus TrySend(ReadOnlySpan<byte> payload, UdpEndpoint destination)
        {
            UdpStatus status = TryBeginSend(payload.Length, destination, out Span<byte> slot);
            if (status != UdpStatus.Ok) return status;
            payload.CopyTo(slot);
            CommitSend();
            return UdpStatus.Ok;
        }

        /// <summary>
        /// Lends a transmit slot of exactly <paramref name="length"/> bytes to build a payload in place;
        /// <see cref="CommitSend"/> queues it. Another TryBeginSend before the commit reuses the same slot.
        /// </summary>
        public UdpStatus TryBeginSend(int length, UdpEndpoint destination, out Span<byte> payload)
        {
            payload = default;
            if (destination.Address.IsUnspecified || destination.Port == 0) return UdpStatus.InvalidDestination;
            if (length < 0 || length > SlotSize) return UdpStatus.TooLarge;
            if (_txCount == _txLength.Length) return UdpStatus.QueueFull;
            int slot = (_txHead + _txCount) % _txLength.Length;
            _txDestination[slot] = destination;
            _txLength[slot] = length;
            _txReserved = true;
            payload = _txData.AsSpan(slot * SlotSize, length);
            return UdpStatus.Ok;
        }

        public void CommitSend()
        {
            if (!_txReserved) return;
            _txReserved = false;
            _txCount++;
        }

        internal bool TryEnqueueReceived(ReadOnlySpan<byte> payload, UdpEndpoint source, Ipv4Address destination)
        {
            if (_rxCount == _rxInfo.Length || payload.Length > SlotSize)
            {
                ReceiveDropped++;
                return false;
            }
            int slot = (_rxHead + _rxCount) % _rxInfo.Length;
            payload.CopyTo(_rxData.AsSpan(slot * SlotSize, SlotSize));
            _rxInfo[slot] = new UdpDatagramInfo(source, destination, payload.Length);
            _rxCount++;
            return true;
        }

        internal bool TryPeekTransmit(out ReadOnlySpan<byte> payload, out UdpEndpoint destination)
        {
            if (_txCount == 0)
            {
                payload = default;
                destination = default;
                return false;
            }
            destination = _txDestination[_txHead];
            payload = _txData.AsSpan(_txHead * SlotSize, _txLength[_txHead]);
            return true;
        }

        internal void DequeueTransmit(bool dropped)
        {
            if (_txCount == 0) return;
            if (dropped) TransmitDropped++;
            _txHead = (_txHead + 1) % _txLength.Length;
            _txCount--;
        }
    }
}
