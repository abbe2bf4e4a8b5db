using System;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Tests.Protocol.Wire;

/// <summary>
/// Parses any datagram with the frame parser and its type's parser, then emits the parsed values again.
/// A parser that accepts a datagram must describe it completely: the re-emitted bytes must be identical.
/// </summary>
internal static class MessageReemitter
{
    /// <summary>Returns the parse status; on Ok, <paramref name="written"/> bytes of the re-emit are in <paramref name="output"/>.</summary>
    public static WireStatus ParseAndReemit(ReadOnlySpan<byte> datagram, Span<byte> output, out int written)
    {
        written = 0;
        WireStatus status = MessageFrame.TryParse(datagram, out MessageFrame frame);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        MessageIds ids = frame.Header.Ids;
        switch (frame.Type)
        {
            case MessageType.Request:
                status = RequestMessage.TryParse(frame, out RequestMessage request);
                return status != WireStatus.Ok ? status : request.TryEmit(output, ids, out written);
            case MessageType.Offer:
                status = OfferMessage.TryParse(frame, out OfferMessage offer);
                return status != WireStatus.Ok ? status : ReemitOffer(offer, frame, ids, output, out written);
            case MessageType.Accept:
                status = AcceptMessage.TryParse(frame, out AcceptMessage accept);
                return status != WireStatus.Ok ? status : accept.TryEmit(output, ids, out written);
            case MessageType.Data:
                status = DataMessage.TryParse(frame, out DataMessage data);
                return status != WireStatus.Ok ? status
                    : DataMessage.TryEmit(output, ids, data.FragmentIndex, data.Pass, data.Fragment, out written);
            case MessageType.StatusRequest:
                status = StatusRequestMessage.TryParse(frame, out StatusRequestMessage statusRequest);
                return status != WireStatus.Ok ? status : statusRequest.TryEmit(output, ids, out written);
            case MessageType.Status:
                status = StatusMessage.TryParse(frame, out StatusMessage report);
                return status != WireStatus.Ok ? status : ReemitStatus(report, ids, output, out written);
            case MessageType.Result:
                status = ResultMessage.TryParse(frame, out ResultMessage result);
                return status != WireStatus.Ok ? status : result.TryEmit(output, ids, out written);
            case MessageType.ResultAck:
                status = ResultAckMessage.TryParse(frame, out ResultAckMessage ack);
                return status != WireStatus.Ok ? status : ack.TryEmit(output, ids, out written);
            case MessageType.Abort:
                status = AbortMessage.TryParse(frame, out AbortMessage abort);
                return status != WireStatus.Ok ? status : abort.TryEmit(output, ids, out written);
            case MessageType.Manifest:
                status = ManifestMessage.TryParse(frame, out ManifestMessage manifest);
                return status != WireStatus.Ok ? status
                    : ManifestMessage.TryEmit(output, ids, manifest.FirstIndex, manifest.Leaves, manifest.Proof, out written);
            case MessageType.Parity:
                status = ParityMessage.TryParse(frame, out ParityMessage parity);
                return status != WireStatus.Ok ? status
                    : ParityMessage.TryEmit(output, ids, parity.Block, parity.ParityIndex, parity.Pass, parity.Parity, out written);
            case MessageType.RecoveryInstruction:
                status = InstructionMessage.TryParse(frame, out InstructionMessage instruction);
                return status != WireStatus.Ok ? status : ReemitInstruction(instruction, frame, ids, output, out written);
            case MessageType.Readiness:
                status = ReadinessMessage.TryParse(frame, out ReadinessMessage readiness);
                return status != WireStatus.Ok ? status : readiness.TryEmit(output, ids, out written);
            case MessageType.AgentReport:
                status = AgentReportMessage.TryParse(frame, out AgentReportMessage agentReport, out ReadOnlySpan<byte> version);
                return status != WireStatus.Ok ? status : agentReport.TryEmit(output, ids, version, out written);
            default:
                throw new InvalidOperationException("frame parser accepted an undefined type");
        }
    }

    // A signed OFFER is re-emitted with the same modulus and signature bytes (the codec does not judge them).
    private static WireStatus ReemitOffer(in OfferMessage offer, in MessageFrame frame, in MessageIds ids, Span<byte> output, out int written)
    {
        if (offer.SignatureKind == OfferSignatureKind.None)
        {
            return offer.TryEmit(output, ids, out written);
        }
        written = 0;
        ReadOnlySpan<byte> message = frame.Message;
        if (output.Length < OfferSignature.SignedDatagramLength)
        {
            return WireStatus.BufferTooSmall;
        }
        ReadOnlySpan<byte> modulus = message.Slice(MessageHeader.Length + OfferMessage.PayloadLength, OfferSignature.Rsa2048Bytes);
        WireStatus status = offer.TryBeginSignedEmit(output, ids, modulus);
        return status != WireStatus.Ok ? status
            : OfferSignature.TryFinish(output, message.Slice(OfferSignature.SignedLength, OfferSignature.Rsa2048Bytes), out written);
    }

    // An instruction is re-emitted with its modulus and signature bytes (the codec does not judge them).
    private static WireStatus ReemitInstruction(in InstructionMessage instruction, in MessageFrame frame, in MessageIds ids, Span<byte> output, out int written)
    {
        written = 0;
        if (output.Length < InstructionSignature.DatagramLength)
        {
            return WireStatus.BufferTooSmall;
        }
        WireStatus status = instruction.TryBeginEmit(output, ids, InstructionSignature.Modulus(frame.Message));
        return status != WireStatus.Ok ? status : InstructionSignature.TryFinish(output, InstructionSignature.Signature(frame.Message), out written);
    }

    private static WireStatus ReemitStatus(in StatusMessage report, in MessageIds ids, Span<byte> output, out int written)
    {
        var fields = new StatusReport(report.Round, report.FragmentsHeld, report.CorruptedCount, report.ForgedCount, report.MemberToken);
        switch (report.Kind)
        {
            case StatusKind.Complete:
                return StatusMessage.TryEmitComplete(output, ids, fields, out written);
            case StatusKind.NackRanges:
                NackRange[] ranges = new NackRange[report.RangeCount];
                for (int i = 0; i < ranges.Length; i++)
                {
                    ranges[i] = report.GetRange(i);
                }
                return StatusMessage.TryEmitRanges(output, ids, fields, report.HasMore, ranges, out written);
            case StatusKind.BlockCounts:
                return StatusMessage.TryEmitBlockCounts(output, ids, fields, report.HasMore, report.FirstBlock, report.BlockCounts, out written);
            default:
                return StatusMessage.TryEmitBitmap(output, ids, fields, report.HasMore, report.BitmapWindowStart, report.Bitmap, out written);
        }
    }

    /// <summary>Rewrites the CRC of a (possibly mutated) datagram so that payload validation is reached.</summary>
    public static void FixCrc(Span<byte> datagram)
    {
        if (datagram.Length < MessageHeader.Length)
        {
            return;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(
            datagram.Slice(MessageHeader.CrcOffset), MessageHeader.ComputeMessageCrc(datagram));
    }
}
