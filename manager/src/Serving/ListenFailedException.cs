using System;
using System.Net;
using System.Net.Sockets;

namespace UefiRecovery.Manager.Serving;

/// <summary>
/// A socket `serve` must listen on could not be bound. Carries which one (UDP or HTTP) and the option that
/// chose it, so the operator reads one line naming the option instead of the host's stack trace.
/// </summary>
public sealed class ListenFailedException : Exception
{
    public ListenFailedException(string protocol, IPEndPoint endpoint, string option, SocketException cause)
        : base("cannot listen on " + protocol + " " + endpoint + " (" + option + "): " + Reason(cause), cause)
    {
    }

    /// <summary>What an operator can act on, for the socket errors a bind gives.</summary>
    public static string Reason(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "the port is in use by another program (ss -lunp or ss -ltnp shows which)",
        SocketError.AddressNotAvailable => "the address is not on this host (ip -brief address lists this host's addresses)",
        SocketError.AccessDenied => "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
        _ => e.Message,
    };
}
