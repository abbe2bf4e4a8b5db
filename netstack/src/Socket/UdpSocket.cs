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

        /// <summary>The datagram <paramref name="position"/> places behind the head of the transmit queue.</summary>
        internal bool TryPeekTransmit(int position, out ReadOnlySpan<byte> payload, out UdpEndpoint destination)
        {
            if (position < 0 || position >= _txCount)
            {
                payload = default;
                destination = default;
                return false;
            }
            int slot = TransmitSlot(position);
            destination = _txDestination[slot];
            payload = _txData.AsSpan(slot * SlotSize, _txLength[slot]);
            return true;
        }

        /// <summary>True when a datagram ahead of <paramref name="position"/> still waits to go to <paramref name="address"/>.</summary>
        internal bool HasEarlierTransmitTo(int position, Ipv4Address address)
        {
            for (int earlier = 0; earlier < position && earlier < _txCount; earlier++)
            {
                if (_txDestination[TransmitSlot(earlier)].Address.Equals(address)) return true;
            }
            return false;
        }

        /// <summary>
        /// Removes the datagram at <paramref name="position"/> (sent, or dropped and counted). Taking one
        /// from behind the head (the head waits for ARP) closes the gap by moving the later ones, and a
        /// slot lent by TryBeginSend, forward: rare, and at most a few slots.
        /// </summary>
        internal void DequeueTransmit(int position, bool dropped)
        {
            if (position < 0 || position >= _txCount) return;
            if (dropped) TransmitDropped++;
            if (position == 0)
            {
                _txHead = (_txHead + 1) % _txLength.Length;
                _txCount--;
                return;
            }
            int last = _txReserved ? _txCount : _txCount - 1;
            for (int moving = position; moving < last; moving++)
            {
                int to = TransmitSlot(moving);
                int from = TransmitSlot(moving + 1);
                _txData.AsSpan(from * SlotSize, _txLength[from]).CopyTo(_txData.AsSpan(to * SlotSize, SlotSize));
                _txDestination[to] = _txDestination[from];
                _txLength[to] = _txLength[from];
            }
            _txCount--;
        }

        private int TransmitSlot(int position) => (_txHead + position) % _txLength.Length;
    }
}
