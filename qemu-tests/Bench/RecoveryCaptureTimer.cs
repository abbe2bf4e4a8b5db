using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using UefiRecovery.Testbed.Network;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// Times one recovery transfer from a tcpdump capture of the machine's tap (docs/protocol.md §3-§4): the
/// first and last DATA, the STATUS_REQUESTs, the client's STATUS (COMPLETE or NACK), RESULT, and the
/// drain probe's ICMP echoes (scripts/drain_probe.py): those sent while DATA flowed say how far behind
/// the wire the app was; the one after the last STATUS_REQUEST before COMPLETE says when the app had
/// the whole pass (after the signature check, which the last fragment starts in the same poll).
/// Times are capture timestamps (the host's clock), microseconds.
/// </summary>
public sealed class RecoveryCaptureTimer
{
    private const uint Magic = 0x55524350; // "URCP"
    private const int HeaderLength = 32;
    private const byte TypeData = 0x04;
    private const byte TypeStatusRequest = 0x05;
    private const byte TypeStatus = 0x06;
    private const byte TypeResult = 0x07;
    private const byte StatusComplete = 0;

    public long FirstDataMicroseconds { get; private set; }
    public long LastDataMicroseconds { get; private set; }
    public int DataFrames { get; private set; }
    public int DistinctFragments { get; private set; }
    public long DataPayloadBytes { get; private set; }
    public int StatusRequests { get; private set; }
    public int NackStatuses { get; private set; }

    /// <summary>The client's first STATUS COMPLETE after the first DATA (0: none).</summary>
    public long CompleteMicroseconds { get; private set; }

    /// <summary>The last STATUS_REQUEST before COMPLETE: it followed the pass that completed the image.</summary>
    public long FinalStatusRequestMicroseconds { get; private set; }

    /// <summary>The app's reply to the first drain-probe echo sent after <see cref="FinalStatusRequestMicroseconds"/> (0: none).</summary>
    public long DrainReplyMicroseconds { get; private set; }

    public long ResultMicroseconds { get; private set; }

    /// <summary>The last DATA before COMPLETE: the end of the pass that completed the image.</summary>
    public long LastDataBeforeCompleteMicroseconds { get; private set; }

    /// <summary>Echo requests answered while DATA flowed (first DATA to the completing pass's last DATA).</summary>
    public int ProbesDuringData { get; private set; }

    /// <summary>Reply delay of the last echo sent before the completing pass's last DATA (-1: none): the app's lag behind the wire at the end.</summary>
    public long EndLagMicroseconds { get; private set; } = -1;

    /// <summary>The largest reply delay of an echo sent while DATA flowed (-1: none).</summary>
    public long MaxLagMicroseconds { get; private set; } = -1;

    /// <summary>How long before the completing pass's last DATA the last answered probe went out (-1: none).</summary>
    public long EndProbeGapMicroseconds { get; private set; } = -1;

    /// <summary>Reply to the last probe sent before the pass's last DATA (0: none): the app had at least the frames before it.</summary>
    public long LastProbeReplyBeforeEndMicroseconds { get; private set; }

    /// <summary>Reply to the first probe sent after the pass's last DATA (0: none); may wait for the signature check.</summary>
    public long FirstProbeReplyAfterEndMicroseconds { get; private set; }

    /// <summary>DATA frames the manager sent after the last answered probe of the pass (-1: no probe).</summary>
    public int FramesAfterEndProbe { get; private set; } = -1;

    /// <summary>
    /// At most this many DATA after the last probe make the lag estimate: its error is the time the app needs
    /// for those frames (a few ms); with more (a burst outran the probe) only the bounds are known.
    /// </summary>
    public const int EstimateFrameLimit = 8;

    /// <summary>True when a probe ran close enough to the end of the pass for <see cref="DeliveredMicroseconds"/> to be an estimate, not a bound.</summary>
    public bool DeliveryEstimated => FramesAfterEndProbe >= 0 && FramesAfterEndProbe <= EstimateFrameLimit;

    /// <summary>
    /// True when the delivery time is known to within a few ms: estimated, or its bounds are within 3 ms
    /// (or 10 %) of each other, which happens when the first probe after the pass was answered before the
    /// signature check started.
    /// </summary>
    public bool DeliveryMeasured
    {
        get
        {
            if (DeliveryEstimated)
            {
                return true;
            }
            long width = DeliveredUpperMicroseconds - DeliveredLowerMicroseconds;
            return CompleteMicroseconds != 0 && width >= 0 && width <= Math.Max(3000, (DeliveredLowerMicroseconds - FirstDataMicroseconds) / 10);
        }
    }

    /// <summary>The app cannot have had every fragment before this: the last DATA on the wire, or the last probe answered before it.</summary>
    public long DeliveredLowerMicroseconds => Math.Max(LastDataBeforeCompleteMicroseconds, LastProbeReplyBeforeEndMicroseconds);

    /// <summary>The app had every fragment by this: COMPLETE, or the reply to the first probe after the pass if earlier.</summary>
    public long DeliveredUpperMicroseconds =>
        FirstProbeReplyAfterEndMicroseconds != 0 && FirstProbeReplyAfterEndMicroseconds < CompleteMicroseconds ? FirstProbeReplyAfterEndMicroseconds : CompleteMicroseconds;

    /// <summary>
    /// When the app had taken every fragment: the pass's last DATA plus the app's lag then, when a probe ran
    /// with at most <see cref="EstimateFrameLimit"/> DATA after it (kept within the bounds), else the upper bound
    /// (which is a measurement only when <see cref="DeliveryMeasured"/>).
    /// </summary>
    public long DeliveredMicroseconds => DeliveryEstimated
        ? Math.Min(Math.Max(LastDataBeforeCompleteMicroseconds + EndLagMicroseconds, DeliveredLowerMicroseconds), DeliveredUpperMicroseconds)
        : DeliveredUpperMicroseconds;

    private static long ReplyTo(List<(long At, ushort Id, ushort Seq)> replies, long requestAt, ushort id, ushort seq)
    {
        foreach ((long at, ushort replyId, ushort replySeq) in replies)
        {
            if (replyId == id && replySeq == seq && at >= requestAt && at - requestAt < 3_000_000)
            {
                return at;
            }
        }
        return 0;
    }

    /// <summary>Every fragment arrived in the first pass: no NACK, no repeated DATA.</summary>
    public bool Lossless => NackStatuses == 0 && DataFrames == DistinctFragments;

    public static RecoveryCaptureTimer Analyze(IReadOnlyList<CapturedFrame> frames, uint appAddress)
    {
        var timer = new RecoveryCaptureTimer();
        var fragments = new HashSet<uint>();
        var echoRequests = new List<(long At, ushort Id, ushort Seq)>();
        var echoReplies = new List<(long At, ushort Id, ushort Seq)>();
        var dataTimes = new List<long>();
        long lastStatusRequest = 0;
        foreach (CapturedFrame frame in frames)
        {
            if (!CapturedDatagram.TryParse(frame, out CapturedDatagram d))
            {
                continue;
            }
            if (d.Protocol == CapturedDatagram.ProtocolIcmp && d.Payload.Length >= 8)
            {
                byte kind = d.Payload[0];
                ushort id = BinaryPrimitives.ReadUInt16BigEndian(d.Payload.AsSpan(4));
                ushort seq = BinaryPrimitives.ReadUInt16BigEndian(d.Payload.AsSpan(6));
                if (kind == 8 && d.Destination == appAddress)
                {
                    echoRequests.Add((d.TimestampMicroseconds, id, seq));
                }
                else if (kind == 0 && d.Source == appAddress)
                {
                    echoReplies.Add((d.TimestampMicroseconds, id, seq));
                }
                continue;
            }
            if (d.Protocol != CapturedDatagram.ProtocolUdp || d.Payload.Length < HeaderLength
                || BinaryPrimitives.ReadUInt32BigEndian(d.Payload) != Magic)
            {
                continue;
            }
            byte type = d.Payload[5];
            long at = d.TimestampMicroseconds;
            switch (type)
            {
                case TypeData when d.Payload.Length >= HeaderLength + 4 && d.PayloadLength >= HeaderLength + 8:
                    timer.DataFrames++;
                    dataTimes.Add(at);
                    if (timer.CompleteMicroseconds == 0)
                    {
                        timer.LastDataBeforeCompleteMicroseconds = at;
                    }
                    if (timer.FirstDataMicroseconds == 0)
                    {
                        timer.FirstDataMicroseconds = at;
                    }
                    timer.LastDataMicroseconds = at;
                    if (fragments.Add(BinaryPrimitives.ReadUInt32BigEndian(d.Payload.AsSpan(HeaderLength))))
                    {
                        timer.DistinctFragments++;
                        timer.DataPayloadBytes += d.PayloadLength - HeaderLength - 8;
                    }
                    break;
                case TypeStatusRequest when timer.FirstDataMicroseconds != 0:
                    timer.StatusRequests++;
                    if (timer.CompleteMicroseconds == 0)
                    {
                        lastStatusRequest = at;
                    }
                    break;
                case TypeStatus when d.Source == appAddress && d.Payload.Length >= HeaderLength + 5 && timer.FirstDataMicroseconds != 0:
                    if (d.Payload[HeaderLength + 4] == StatusComplete)
                    {
                        if (timer.CompleteMicroseconds == 0)
                        {
                            timer.CompleteMicroseconds = at;
                            timer.FinalStatusRequestMicroseconds = lastStatusRequest;
                        }
                    }
                    else
                    {
                        timer.NackStatuses++;
                    }
                    break;
                case TypeResult when d.Source == appAddress && timer.ResultMicroseconds == 0:
                    timer.ResultMicroseconds = at;
                    break;
            }
        }

        foreach ((long at, ushort id, ushort seq) in echoRequests)
        {
            long replyAt = ReplyTo(echoReplies, at, id, seq);
            if (replyAt == 0)
            {
                continue;
            }
            if (timer.FirstDataMicroseconds != 0 && at >= timer.FirstDataMicroseconds && at <= timer.LastDataBeforeCompleteMicroseconds)
            {
                timer.ProbesDuringData++;
                timer.EndLagMicroseconds = replyAt - at;
                timer.MaxLagMicroseconds = Math.Max(timer.MaxLagMicroseconds, replyAt - at);
                timer.EndProbeGapMicroseconds = timer.LastDataBeforeCompleteMicroseconds - at;
                timer.LastProbeReplyBeforeEndMicroseconds = replyAt;
            }
            if (timer.FirstProbeReplyAfterEndMicroseconds == 0 && timer.CompleteMicroseconds != 0 && at > timer.LastDataBeforeCompleteMicroseconds)
            {
                timer.FirstProbeReplyAfterEndMicroseconds = replyAt;
            }
            // The tap and the NIC keep order: the first answered probe after the final STATUS_REQUEST bounds the drain.
            if (timer.DrainReplyMicroseconds == 0 && timer.FinalStatusRequestMicroseconds != 0 && at >= timer.FinalStatusRequestMicroseconds
                && at <= timer.FinalStatusRequestMicroseconds + 3_000_000)
            {
                timer.DrainReplyMicroseconds = replyAt;
            }
        }
        if (timer.EndProbeGapMicroseconds >= 0)
        {
            long probeAt = timer.LastDataBeforeCompleteMicroseconds - timer.EndProbeGapMicroseconds;
            int after = 0;
            foreach (long at in dataTimes)
            {
                if (at > probeAt && at <= timer.LastDataBeforeCompleteMicroseconds)
                {
                    after++;
                }
            }
            timer.FramesAfterEndProbe = after;
        }
        return timer;
    }
}
