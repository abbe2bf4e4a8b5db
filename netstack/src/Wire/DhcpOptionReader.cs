using System;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// Walks a DHCP option area (RFC 2132 §2): Pad is skipped, End stops, every other option is
    /// code, length, data. Each length is checked against what is left before it is used. The same
    /// layout is used inside option 43 (§8.4), so this reader serves both.
    /// </summary>
    public ref struct DhcpOptionReader
    {
        private readonly ReadOnlySpan<byte> _options;
        private int _offset;

        public DhcpOptionReader(ReadOnlySpan<byte> options)
        {
            _options = options;
            _offset = 0;
            IsMalformed = false;
        }

        /// <summary>Set when the walk stopped at an option whose length runs past the area.</summary>
        public bool IsMalformed { get; private set; }

        /// <summary>Returns the next option, or false at End, at the end of the area, or on a malformed option.</summary>
        public bool TryNext(out byte code, out ReadOnlySpan<byte> data)
        {
            code = 0;
            data = default;
            while (_offset < _options.Length && _options[_offset] == DhcpOptionCode.Pad) _offset++;
            if (_offset >= _options.Length) return false;
            byte c = _options[_offset];
            if (c == DhcpOptionCode.End)
            {
                _offset = _options.Length;
                return false;
            }
            if (_options.Length - _offset < 2)
            {
                IsMalformed = true;
                return false;
            }
            int length = _options[_offset + 1];
            if (length > _options.Length - _offset - 2)
            {
                IsMalformed = true;
                return false;
            }
            code = c;
            data = _options.Slice(_offset + 2, length);
            _offset += 2 + length;
            return true;
        }
    }
}
