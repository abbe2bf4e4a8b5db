namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// The sequence ranges received ahead of RCV.NXT (smoltcp's "assembler"): their bytes are already at their place in
    /// the receive ring, beyond the in-order data; this only remembers which ranges are there, in a fixed number of
    /// slots. When the gap before them fills, <see cref="TakeContiguous"/> says how far RCV.NXT may jump. A segment
    /// that would need another slot is not recorded (its data is then dropped, and the peer sends it again).
    /// </summary>
    internal sealed class TcpReassembly
    {
        private readonly uint[] _start;
        private readonly uint[] _end;
        private int _count;

        public TcpReassembly(int slots)
        {
            _start = new uint[slots];
            _end = new uint[slots];
        }

        public int Count => _count;

        public void Clear() => _count = 0;

        /// <summary>Records [start, end) (start after RCV.NXT), merged with any range it touches; false when no slot is free.</summary>
        public bool TryAdd(uint start, uint end)
        {
            // Merge every range that overlaps or touches the new one into it, then store it once.
            for (int i = 0; i < _count; )
            {
                if (TcpSequence.Le(_start[i], end) && TcpSequence.Ge(_end[i], start))
                {
                    if (TcpSequence.Lt(_start[i], start)) start = _start[i];
                    if (TcpSequence.Gt(_end[i], end)) end = _end[i];
                    RemoveAt(i);
                    continue;
                }
                i++;
            }
            if (_count == _start.Length) return false;
            _start[_count] = start;
            _end[_count] = end;
            _count++;
            return true;
        }

        /// <summary>Removes every range that starts at or before <paramref name="next"/> and returns the furthest end among them (or next).</summary>
        public uint TakeContiguous(uint next)
        {
            bool found = true;
            while (found)
            {
                found = false;
                for (int i = 0; i < _count; i++)
                {
                    if (TcpSequence.Gt(_start[i], next)) continue;
                    if (TcpSequence.Gt(_end[i], next)) next = _end[i];
                    RemoveAt(i);
                    found = true;
                    break;
                }
            }
            return next;
        }

        private void RemoveAt(int i)
        {
            _count--;
            _start[i] = _start[_count];
            _end[i] = _end[_count];
        }
    }
}
