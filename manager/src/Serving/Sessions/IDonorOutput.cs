using System;
using System.Net;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// Where the <see cref="DonorEngine"/>'s datagrams go: serve's UDP socket (<see cref="Network.SocketDonorOutput"/>)
/// or the fleet model's network. Datagrams leave in the order they are sent.
/// </summary>
public interface IDonorOutput
{
    /// <summary>Sends one datagram (a refusal is counted by the output, never thrown).</summary>
    void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination);

    /// <summary>
    /// A slot to write the next datagram for <paramref name="destination"/> into in place, sent with others in one
    /// system call at <see cref="Flush"/> (DATA of a pass to one group address); false when this output has none,
    /// and the datagram goes through <see cref="Send"/>.
    /// </summary>
    bool TryReserve(IPEndPoint destination, out Span<byte> slot);

    /// <summary>The datagram written into the slot <see cref="TryReserve"/> gave is <paramref name="length"/> bytes long.</summary>
    void Commit(int length);

    /// <summary>Sends whatever is held in slots (the engine calls it at the end of each burst of DATA).</summary>
    void Flush();
}
