namespace UefiRecovery.Core.Protocol;

/// <summary>
/// Bounds that keep memory finite on both sides (docs/protocol.md §8). A message or offer outside them
/// is rejected, never truncated.
/// </summary>
public static class ProtocolLimits
{
    /// <summary>Smallest max-datagram a client may declare: 576-byte IPv4 minimum reassembly size
    /// minus IPv4 (20) and UDP (8) headers (RFC 791, RFC 768).</summary>
    public const int MinDatagram = 548;

    /// <summary>Ethernet MTU 1500 minus IPv4 and UDP headers: the default and the usual maximum.</summary>
    public const int DefaultDatagram = 1472;

    /// <summary>Jumbo-frame MTU 9000 minus IPv4 and UDP headers: the largest datagram the protocol allows.</summary>
    public const int MaxDatagram = 8972;

    /// <summary>Smallest fragment a donor may offer (MinDatagram minus header and DATA prefix).</summary>
    public const int MinFragmentSize = MinDatagram - ProtocolConstants.FragmentOverhead;

    /// <summary>Largest fragment: MaxDatagram minus header and DATA prefix.</summary>
    public const int MaxFragmentSize = MaxDatagram - ProtocolConstants.FragmentOverhead;

    /// <summary>Most NACK ranges one STATUS may carry; above this a client sets MORE (§4.6).</summary>
    public const int MaxNackRanges = 128;

    /// <summary>Most bitmap bytes one STATUS may carry (8192 fragments' worth).</summary>
    public const int MaxNackBitmapBytes = 1024;

    /// <summary>Most fragments an image may have: 2^24, i.e. 8 GiB at the minimum fragment size is
    /// far above any flash part; keeps a donor's per-session bitmap at 2 MiB at most.</summary>
    public const uint MaxFragmentCount = 1u << 24;

    /// <summary>Longest status response window a donor may ask for, in milliseconds.</summary>
    public const ushort MaxResponseWindowMs = 10000;
}
