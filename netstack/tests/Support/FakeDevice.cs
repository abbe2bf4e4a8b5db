using System;
using UefiRecovery.Netstack.Phy;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Tests.Support
{
    /// <summary>
    /// An in-memory device: frames queued by the test are lent on receive; transmitted frames are
    /// kept in preallocated slots so a test can inspect them. It allocates nothing after construction
    /// (the allocation test relies on that).
    /// </summary>
    public sealed class FakeDevice : IFrameDevice
    {
        private const int Slots = 64;
        private readonly byte[][] _rx = new byte[Slots][];
        private readonly int[] _rxLength = new int[Slots];
        private int _rxHead, _rxCount;
        private readonly byte[][] _tx = new byte[Slots][];
        private readonly int[] _txLength = new int[Slots];
        private int _txCount;
        private int _pendingLength = -1;

        public FakeDevice(MacAddress mac)
        {
            MacAddress = mac;
            for (int i = 0; i < Slots; i++)
            {
                _rx[i] = new byte[2048];
                _tx[i] = new byte[2048];
            }
        }

        public MacAddress MacAddress { get; }
        public int MaximumFrameLength => 1514;
        public int TransmitCount => _txCount;
        public bool RefuseTransmit { get; set; }
        public int JoinedMulticast { get; private set; }

        public void Inject(ReadOnlySpan<byte> frame)
        {
            if (_rxCount == Slots) throw new InvalidOperationException("rx queue full");
            int slot = (_rxHead + _rxCount) % Slots;
            frame.CopyTo(_rx[slot]);
            _rxLength[slot] = frame.Length;
            _rxCount++;
        }

        public void Inject(string hex) => Inject(Hex.Bytes(hex));

        public byte[] Sent(int index) => _tx[index].AsSpan(0, _txLength[index]).ToArray();

        public ReadOnlySpan<byte> SentSpan(int index) => _tx[index].AsSpan(0, _txLength[index]);

        /// <summary>Forgets transmitted frames (the slots wrap, so long runs keep working).</summary>
        public void ClearSent() => _txCount = 0;

        public bool TryReceive(out ReadOnlySpan<byte> frame)
        {
            if (_rxCount == 0)
            {
                frame = default;
                return false;
            }
            frame = _rx[_rxHead].AsSpan(0, _rxLength[_rxHead]);
            _rxHead = (_rxHead + 1) % Slots;
            _rxCount--;
            return true;
        }

        public bool TryBeginTransmit(int length, out Span<byte> frame)
        {
            if (RefuseTransmit || length > MaximumFrameLength || _pendingLength >= 0)
            {
                frame = default;
                return false;
            }
            byte[] slot = _tx[_txCount % Slots];
            // 0xA5 shows any byte the stack forgot to write.
            slot.AsSpan(0, length).Fill(0xA5);
            _pendingLength = length;
            frame = slot.AsSpan(0, length);
            return true;
        }

        public void EndTransmit()
        {
            if (_pendingLength < 0) throw new InvalidOperationException("EndTransmit without TryBeginTransmit");
            _txLength[_txCount % Slots] = _pendingLength;
            _txCount++;
            _pendingLength = -1;
        }

        public bool TryJoinMulticast(MacAddress group)
        {
            JoinedMulticast++;
            return true;
        }
    }
}
