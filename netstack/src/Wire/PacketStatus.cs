namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// Why a packet parser (Ethernet, ARP, IPv4, UDP, ICMP, IGMP, DHCP) rejected its input, and the reason a
    /// dropped frame is counted under. Ok is the only success value. The recovery protocol's own codec has
    /// its own result, <c>UefiRecovery.Core.Protocol.Wire.WireStatus</c> (bad magic, CRC, message type...).
    /// </summary>
    public enum PacketStatus : byte
    {
        Ok = 0,
        /// <summary>The buffer is shorter than a header or a length field says.</summary>
        Truncated,
        /// <summary>A length or structural field is inconsistent (e.g. IHL below 5, bad option list).</summary>
        Malformed,
        /// <summary>A checksum did not verify.</summary>
        BadChecksum,
        /// <summary>A valid packet the stack deliberately does not handle (other hardware type, ICMP type...).</summary>
        Unsupported,
        /// <summary>An IPv4 fragment: reassembly is not implemented.</summary>
        Fragmented,
        /// <summary>An IPv4 option the stack does not accept.</summary>
        UnsupportedOption,
        /// <summary>A field has a value the protocol forbids (version not 4, BOOTP op unknown...).</summary>
        BadValue,
    }
}
