using System.Diagnostics.CodeAnalysis;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Efi.Services.Console;

// The network addresses a console line shows, formatted by the types themselves. Kept beside the network
// services: the build without the portable core (netstack) has the rest of ConsoleLine but not these.
internal ref partial struct ConsoleLine
{
    /// <summary>The dotted quad ("10.0.0.1").</summary>
    [UnscopedRef]
    internal ref ConsoleLine Append(Ipv4Address address) => ref Advance(address.TryFormat(Free, out int written), written);

    /// <summary>"52:54:00:12:34:56".</summary>
    [UnscopedRef]
    internal ref ConsoleLine Append(MacAddress mac) => ref Advance(mac.TryFormat(Free, out int written), written);

    /// <summary>"none" for 0.0.0.0 (no router, no manager), else the dotted quad.</summary>
    [UnscopedRef]
    internal ref ConsoleLine AppendOrNone(Ipv4Address address) => ref address.IsUnspecified ? ref Append("none") : ref Append(address);
}
