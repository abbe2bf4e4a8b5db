using System;
using System.Net;

namespace UefiRecovery.Agent;

/// <summary>Sends one datagram (the agent's UDP socket; a test's in-memory list).</summary>
internal interface IReportSender
{
    void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination);
}
