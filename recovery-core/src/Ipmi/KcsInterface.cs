using System;

namespace UefiRecovery.Core.Ipmi;

/// <summary>
/// The host side of the KCS system interface (IPMI 2.0 §9.15, Figures 9-6 to 9-8): one request written with
/// WRITE_START / data bytes / WRITE_END / last byte, the response read byte by byte with READ until the BMC
/// goes IDLE. Any fault (a wait that runs out, a state the flow does not allow, a response too long for the
/// buffer) takes the spec's error exit: GET_STATUS/ABORT, read the BMC's error status code, back to IDLE;
/// then the whole transfer is retried up to <see cref="Retries"/> times. Waits are budgets of time, not of
/// polls: a wait polls a few times at full speed, then stalls <see cref="StallMicroseconds"/> between polls
/// and gives up when the stalls add up to its budget. Polling speed depends on the host's load (a poll
/// budget that outlasted QEMU's 4 s answer timeout on a busy machine ran out in under 4 s on an idle one);
/// stalls last at least what they say, so a budget ends late, never early.
/// </summary>
public sealed class KcsInterface
{
    /// <summary>Longest request or response the interface carries (QEMU's MAX_IPMI_MSG_SIZE, and ample for IPMI).</summary>
    public const int MaxMessageBytes = 300;

    /// <summary>Polls at full speed before a wait starts stalling: a byte handshake takes one or two.</summary>
    public const int FastPolls = 32;

    /// <summary>The stall between two polls once a wait is slow.</summary>
    public const int StallMicroseconds = 50;

    private readonly IKcsPorts _ports;

    public KcsInterface(IKcsPorts ports, int handshakeMicroseconds, int responseMicroseconds, int retries)
    {
        _ports = ports;
        HandshakeMicroseconds = handshakeMicroseconds;
        ResponseMicroseconds = responseMicroseconds;
        Retries = retries;
    }

    /// <summary>Time allowed per handshake step (IBF to clear, OBF to set).</summary>
    public int HandshakeMicroseconds { get; }

    /// <summary>Time allowed for the BMC to answer after the last request byte.</summary>
    public int ResponseMicroseconds { get; }

    /// <summary>Further attempts after a failed transfer whose error exit succeeded.</summary>
    public int Retries { get; }

    /// <summary>The status of the last failed attempt (Ok when none failed).</summary>
    public KcsTransferStatus LastFault { get; private set; }

    /// <summary>The KCS error status code the BMC gave in the last error exit (0 when none was read).</summary>
    public byte LastErrorCode { get; private set; }

    /// <summary>Attempts the last <see cref="Transact"/> made.</summary>
    public int Attempts { get; private set; }

    /// <summary>Status-register polls made since construction: the work a transfer cost, for throughput figures.</summary>
    public long Polls { get; private set; }

    /// <summary>Microseconds stalled in waits since construction (a lower bound of the time spent waiting).</summary>
    public long StalledMicroseconds { get; private set; }

    /// <summary>Waits at least <paramref name="microseconds"/> on the interface's clock (a caller polling the BMC between commands).</summary>
    public void Wait(int microseconds) => _ports.Stall(microseconds);

    /// <summary>
    /// Writes <paramref name="request"/> (netfn/lun, cmd, data) and reads the response (netfn/lun, cmd,
    /// completion code, data) into <paramref name="response"/>. On anything but Ok, <paramref name="length"/>
    /// is 0 and the response bytes are meaningless.
    /// </summary>
    public KcsTransferStatus Transact(ReadOnlySpan<byte> request, Span<byte> response, out int length)
    {
        length = 0;
        LastFault = KcsTransferStatus.Ok;
        LastErrorCode = 0;
        Attempts = 0;
        if (request.Length < 2 || request.Length > MaxMessageBytes)
            return KcsTransferStatus.BadRequest;
        KcsTransferStatus status = KcsTransferStatus.Ok;
        for (int attempt = 0; attempt <= Retries; attempt++)
        {
            Attempts++;
            status = WritePhase(request);
            if (status == KcsTransferStatus.Ok)
                status = ReadPhase(response, out length);
            if (status == KcsTransferStatus.Ok)
                return status;
            length = 0;
            LastFault = status;
            if (!ErrorExit())
                return KcsTransferStatus.AbortFailed;
        }
        return status;
    }

    private KcsTransferStatus WritePhase(ReadOnlySpan<byte> request)
    {
        if (!WaitIbfClear(HandshakeMicroseconds))
            return KcsTransferStatus.IbfTimeout;
        ClearObf();
        _ports.WriteCommand(KcsControlCode.WriteStart);
        KcsTransferStatus status = AfterWrite(HandshakeMicroseconds);
        for (int i = 0; status == KcsTransferStatus.Ok && i < request.Length - 1; i++)
        {
            _ports.WriteData(request[i]);
            status = AfterWrite(HandshakeMicroseconds);
        }
        if (status != KcsTransferStatus.Ok)
            return status;
        _ports.WriteCommand(KcsControlCode.WriteEnd);
        status = AfterWrite(HandshakeMicroseconds);
        if (status != KcsTransferStatus.Ok)
            return status;
        _ports.WriteData(request[request.Length - 1]);
        return KcsTransferStatus.Ok;
    }

    // Each write in the write phase: wait for the BMC to take it, check it is still in WRITE, clear OBF.
    private KcsTransferStatus AfterWrite(int budget)
    {
        if (!WaitIbfClear(budget))
            return KcsTransferStatus.IbfTimeout;
        if (KcsStatusRegister.StateOf(Poll()) != KcsState.Write)
            return KcsTransferStatus.UnexpectedState;
        ClearObf();
        return KcsTransferStatus.Ok;
    }

    private KcsTransferStatus ReadPhase(Span<byte> response, out int length)
    {
        length = 0;
        // The first wait covers the BMC working on the request; later ones are byte handshakes.
        int budget = ResponseMicroseconds;
        while (true)
        {
            if (!WaitIbfClear(budget))
                return KcsTransferStatus.IbfTimeout;
            budget = HandshakeMicroseconds;
            KcsState state = KcsStatusRegister.StateOf(Poll());
            if (state == KcsState.Idle)
            {
                // The BMC signals the end with a dummy byte in the output buffer.
                if (!WaitObfSet())
                    return KcsTransferStatus.ObfTimeout;
                _ports.ReadData();
                return KcsTransferStatus.Ok;
            }
            if (state != KcsState.Read)
                return KcsTransferStatus.UnexpectedState;
            if (!WaitObfSet())
                return KcsTransferStatus.ObfTimeout;
            byte value = _ports.ReadData();
            if (length == response.Length)
                return KcsTransferStatus.ResponseTooLong;
            response[length++] = value;
            _ports.WriteData(KcsControlCode.Read);
        }
    }

    // The error exit (§9.15, Figure 9-8): abort, read the error status code, end in IDLE. False when the BMC does not follow.
    private bool ErrorExit()
    {
        if (!WaitIbfClear(HandshakeMicroseconds))
            return false;
        _ports.WriteCommand(KcsControlCode.GetStatusAbort);
        if (!WaitIbfClear(HandshakeMicroseconds))
            return false;
        ClearObf();
        _ports.WriteData(0x00);
        if (!WaitIbfClear(HandshakeMicroseconds) || KcsStatusRegister.StateOf(Poll()) != KcsState.Read || !WaitObfSet())
            return false;
        LastErrorCode = _ports.ReadData();
        _ports.WriteData(KcsControlCode.Read);
        if (!WaitIbfClear(HandshakeMicroseconds) || KcsStatusRegister.StateOf(Poll()) != KcsState.Idle || !WaitObfSet())
            return false;
        _ports.ReadData();
        return true;
    }

    private bool WaitIbfClear(int budgetMicroseconds) => WaitFor(KcsStatusRegister.Ibf, false, budgetMicroseconds);

    private bool WaitObfSet() => WaitFor(KcsStatusRegister.Obf, true, HandshakeMicroseconds);

    private bool WaitFor(byte flag, bool set, int budgetMicroseconds)
    {
        int stalled = 0;
        for (int polls = 1; ; polls++)
        {
            if (((Poll() & flag) != 0) == set)
                return true;
            if (polls < FastPolls)
                continue;
            if (stalled >= budgetMicroseconds)
                return false;
            _ports.Stall(StallMicroseconds);
            stalled += StallMicroseconds;
            StalledMicroseconds += StallMicroseconds;
        }
    }

    private void ClearObf()
    {
        if ((Poll() & KcsStatusRegister.Obf) != 0)
            _ports.ReadData();
    }

    private byte Poll()
    {
        Polls++;
        return _ports.ReadStatus();
    }
}
