using System.Buffers.Binary;
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Testbed.Network;

namespace UefiRecovery.Demo.ManagerInitiated;

/// <summary>
/// The scenario's own datagrams in the bridge capture, counted by protocol type (docs/protocol.md §3.1: magic "URCP", type
/// at offset 5): what the console lines claim about RECOVERY_INSTRUCTION, AGENT_REPORT and READINESS, seen on the wire.
/// </summary>
internal static class WireCount
{
    public static readonly MessageType[] Shown = { MessageType.RecoveryInstruction, MessageType.AgentReport, MessageType.Readiness };

    /// <summary>Datagrams per type and source address ("10.215.0.20"), or the reason the capture could not be read.</summary>
    public static bool TryCount(string pcapPath, out Dictionary<(MessageType Type, string Source), int> counts, out string error)
    {
        counts = new Dictionary<(MessageType, string), int>();
        if (!PcapFile.TryRead(pcapPath, out List<CapturedFrame> frames, out error))
        {
            return false;
        }
        foreach (CapturedFrame frame in frames)
        {
            if (!TryProtocolDatagram(frame, out CapturedDatagram datagram))
            {
                continue;
            }
            var key = ((MessageType)datagram.Payload[MessageHeader.TypeOffset], CapturedDatagram.AddressText(datagram.Source));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return true;
    }

    /// <summary>The first datagram of <paramref name="type"/> captured whole (the capture's snap length is large enough), or null.</summary>
    public static byte[]? First(string pcapPath, MessageType type)
    {
        if (!PcapFile.TryRead(pcapPath, out List<CapturedFrame> frames, out _))
        {
            return null;
        }
        foreach (CapturedFrame frame in frames)
        {
            if (TryProtocolDatagram(frame, out CapturedDatagram datagram) && (MessageType)datagram.Payload[MessageHeader.TypeOffset] == type
                && datagram.Payload.Length == datagram.PayloadLength)
            {
                return datagram.Payload;
            }
        }
        return null;
    }

    /// <summary>Datagrams of <paramref name="type"/> from <paramref name="source"/> in the capture so far (0 when it cannot be read yet).</summary>
    public static int Of(string pcapPath, MessageType type, string source) =>
        TryCount(pcapPath, out Dictionary<(MessageType Type, string Source), int> counts, out _) ? counts.GetValueOrDefault((type, source)) : 0;

    /// <summary>
    /// Waits until the capture holds more than <paramref name="before"/> such datagrams (tcpdump writes each as it comes);
    /// false after <paramref name="timeout"/>. A console line says a datagram was handed to the guest's stack, this that it left.
    /// </summary>
    public static async Task<bool> WaitForMoreAsync(string pcapPath, MessageType type, string source, int before, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (Of(pcapPath, type, source) <= before)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(500);
        }
        return true;
    }

    /// <summary>A UDP datagram that starts like one of the protocol's messages (magic, and a type byte captured).</summary>
    private static bool TryProtocolDatagram(CapturedFrame frame, out CapturedDatagram datagram) =>
        CapturedDatagram.TryParse(frame, out datagram) && datagram.Protocol == CapturedDatagram.ProtocolUdp
        && datagram.Payload.Length > MessageHeader.TypeOffset
        && BinaryPrimitives.ReadUInt32BigEndian(datagram.Payload) == ProtocolConstants.Magic;
}
