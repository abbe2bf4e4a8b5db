using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Fuzz.Seeds;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// One datagram through the protocol codec the way a receiver takes it: <see cref="MessageFrame.TryParse"/>
/// (header, lengths, CRC), then every per-type parser (<see cref="MessageParsers"/>): the one the type
/// byte selects must decide, every other one must answer WrongType. Input byte 0 is a control byte: bit 0
/// set = the harness writes the correct CRC first, so mutations reach the payload parsers behind the CRC;
/// the rest is the datagram.
/// </summary>
public sealed class ProtocolTarget : FuzzTarget
{
    public override string Name => "protocol";

    public override string Description =>
        "protocol codec: MessageFrame.TryParse/TryReadStructure, then every per-type TryParse (found by reflection)";

    private readonly byte[] _scratch = new byte[65536 + 1];

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        bool fixCrc = (input[0] & 1) != 0;
        ReadOnlySpan<byte> original = input.Slice(1);
        Span<byte> datagram = _scratch.AsSpan(0, original.Length);
        original.CopyTo(datagram);
        if (fixCrc && datagram.Length >= MessageHeader.Length)
        {
            BinaryPrimitives.WriteUInt32BigEndian(datagram.Slice(MessageHeader.CrcOffset), MessageHeader.ComputeMessageCrc(datagram));
        }

        // An exactly sized array: a read past the datagram throws instead of reading the scratch buffer.
        byte[] exact = datagram.ToArray();
        WireStatus structure = MessageFrame.TryReadStructure(exact, out MessageFrame structural);
        WireStatus status = MessageFrame.TryParse(exact, out MessageFrame frame);
        InvariantViolation.Check(status != WireStatus.Ok || structure == WireStatus.Ok, "TryParse accepted what TryReadStructure refused");
        if (structure == WireStatus.Ok)
        {
            RunParsers(structural); // the §6.3 path: DATA is classified before its CRC is trusted
        }
        if (status == WireStatus.Ok)
        {
            InvariantViolation.Check(frame.Message.Length == exact.Length, "frame is not the whole datagram");
            RunParsers(frame);
        }
    }

    private static void RunParsers(in MessageFrame frame)
    {
        int claimed = 0;
        foreach ((string name, MessageParsers.FrameParser parse) in MessageParsers.All)
        {
            WireStatus status = parse(frame);
            if (status != WireStatus.WrongType) claimed++;
        }
        InvariantViolation.Check(claimed <= 1, "more than one message parser claimed one frame");
    }

    public override IEnumerable<(string Name, byte[] Data)> GeneratedSeeds() => ProtocolSeeds.All();
}
