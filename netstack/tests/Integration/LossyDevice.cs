using System;
using UefiRecovery.Netstack.Phy;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>
    /// Drops a seeded share of received frames before the stack sees them: loss the sender did not notice (an
    /// nftables drop in the sender's own output path is reported back to Linux TCP, which then simply sends again).
    /// </summary>
    public sealed class LossyDevice : IFrameDevice
    {
        private readonly IFrameDevice _inner;
        private readonly int _percent;
        private uint _state;

        public LossyDevice(IFrameDevice inner, int percent, uint seed)
        {
            _inner = inner;
            _percent = percent;
            _state = seed | 1;
        }

        public long Dropped { get; private set; }
        public MacAddress MacAddress => _inner.MacAddress;
        public int MaximumFrameLength => _inner.MaximumFrameLength;

        public bool TryReceive(out ReadOnlySpan<byte> frame)
        {
            while (_inner.TryReceive(out frame))
            {
                _state ^= _state << 13;
                _state ^= _state >> 17;
                _state ^= _state << 5;
                if (_state % 100 >= (uint)_percent) return true;
                Dropped++;
            }
            return false;
        }

        public bool TryBeginTransmit(int length, out Span<byte> frame) => _inner.TryBeginTransmit(length, out frame);
        public void EndTransmit() => _inner.EndTransmit();
        public bool TryJoinMulticast(MacAddress group) => _inner.TryJoinMulticast(group);
    }
}
