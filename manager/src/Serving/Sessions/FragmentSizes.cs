using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// The fragment sizes the manager offers (docs/protocol.md §5.2): the configured size and the standard sizes
/// below it. A machine gets the largest that fits its max datagram, which may be smaller than the most it could
/// take (a donor MAY offer less). A fixed set keeps the manifests to build at a handful per image, so REQUESTs with
/// ever new max datagram sizes cannot make the manager hash an image for each of them (each size is its own tree,
/// §5.4), and it makes machines on similar paths share one session.
/// </summary>
public static class FragmentSizes
{
    /// <summary>
    /// UDP payloads minus the 40 bytes of header and DATA prefix, for links of MTU 1500 (Ethernet), 1440 (PPPoE or
    /// a VPN), 1300 (tunnels), 1068 and 576 (the IPv4 minimum, the smallest fragment the protocol allows).
    /// </summary>
    public static readonly IReadOnlyList<ushort> Standard = new ushort[] { 1432, 1372, 1232, 1000, (ushort)ProtocolLimits.MinFragmentSize };

    /// <summary>The sizes offered under <paramref name="configured"/> (--fragment-size): it and the standard sizes below it, largest first.</summary>
    public static IReadOnlyList<ushort> Offered(int configured)
    {
        if (configured < ProtocolLimits.MinFragmentSize || configured > ProtocolLimits.MaxFragmentSize)
            throw new ArgumentOutOfRangeException(nameof(configured), configured, "fragment size outside " + ProtocolLimits.MinFragmentSize + ".." + ProtocolLimits.MaxFragmentSize);
        var sizes = new List<ushort> { (ushort)configured };
        foreach (ushort size in Standard) if (size < configured) sizes.Add(size);
        return sizes;
    }

    /// <summary>
    /// The largest of <paramref name="offered"/> (from <see cref="Offered"/>) whose DATA fits
    /// <paramref name="clientMaxDatagram"/>; a parsed REQUEST declares at least 548, so the smallest always fits.
    /// </summary>
    public static ushort ForClient(IReadOnlyList<ushort> offered, int clientMaxDatagram)
    {
        int most = clientMaxDatagram - ProtocolConstants.FragmentOverhead;
        foreach (ushort size in offered) if (size <= most) return size;
        return (ushort)ProtocolLimits.MinFragmentSize;
    }
}
