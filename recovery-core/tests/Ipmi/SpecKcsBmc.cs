using System;
using System.Collections.Generic;
using UefiRecovery.Core.Ipmi;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>
/// The BMC side of a KCS interface as IPMI 2.0 §9.15 describes it (a test double at the unit boundary of
/// <see cref="KcsInterface"/>): writes are taken at once (IBF clears) unless a fault holds them, the request
/// goes to <see cref="Handler"/> after WRITE_END and the last byte, the response is handed out one byte per
/// READ, then IDLE with a dummy byte. GET_STATUS/ABORT enters ERROR; a data write there moves to READ with
/// the error status code. A <see cref="KcsFault"/> applies to the first <see cref="FaultyTransfers"/> transfers.
/// Time is the host's stalls: an answer due after <see cref="AnswerDelayMicroseconds"/> keeps IBF set until
/// the stalls since the request add up to it.
/// </summary>
public sealed class SpecKcsBmc : IKcsPorts
{
    private const byte DummyByte = 0x5A;
    private readonly List<byte> _request = new();
    private byte[] _response = [];
    private int _responsePosition;
    private KcsState _state = KcsState.Idle;
    private bool _ibf;
    private bool _obf;
    private byte _dataOut;
    private bool _writeEnd;
    private byte _errorCode;
    private int _writesThisTransfer;
    private int _transfers;
    private byte[]? _unanswered;
    private long _answerDue;

    /// <summary>Answers a request (netfn/lun, cmd, data) with a response (netfn/lun, cmd, cc, data).</summary>
    public Func<byte[], byte[]> Handler { get; set; } = request => [(byte)(request[0] | 0x04), request[1], 0x00];

    public KcsFault Fault { get; set; }

    public int FaultyTransfers { get; set; } = int.MaxValue;

    public List<byte[]> Requests { get; } = new();

    public int StatusReads { get; private set; }

    /// <summary>How long the BMC works on each request before it answers.</summary>
    public long AnswerDelayMicroseconds { get; set; }

    /// <summary>The host's stalls added up: this model's clock.</summary>
    public long StalledMicroseconds { get; private set; }

    public void Stall(int microseconds)
    {
        StalledMicroseconds += microseconds;
        if (_unanswered != null && StalledMicroseconds >= _answerDue)
        {
            _ibf = false;
            Answer(_unanswered);
            _unanswered = null;
        }
    }

    private bool Faulty(KcsFault fault) => Fault == fault && _transfers <= FaultyTransfers;

    public byte ReadStatus()
    {
        StatusReads++;
        return (byte)(((byte)_state << 6) | (_ibf ? KcsStatusRegister.Ibf : 0) | (_obf ? KcsStatusRegister.Obf : 0));
    }

    public byte ReadData()
    {
        _obf = false;
        return _dataOut;
    }

    public void WriteCommand(byte value)
    {
        if (_ibf)
            return; // a write while IBF is set is lost, as on hardware
        if (value == KcsControlCode.WriteStart)
        {
            _transfers++;
            _writesThisTransfer = 0;
        }
        if (Hold())
            return;
        switch (value)
        {
            case KcsControlCode.GetStatusAbort:
                if (_state != KcsState.Error)
                    _errorCode = 0x01; // aborted by command
                _state = KcsState.Error;
                SetObf(DummyByte);
                break;
            case KcsControlCode.WriteStart:
                _request.Clear();
                _writeEnd = false;
                if (!Faulty(KcsFault.IdleAfterWriteStart))
                    _state = KcsState.Write;
                SetObf(DummyByte);
                break;
            case KcsControlCode.WriteEnd when _state == KcsState.Write:
                _writeEnd = true;
                SetObf(DummyByte);
                break;
            default:
                EnterError(0x02); // illegal control code
                break;
        }
    }

    public void WriteData(byte value)
    {
        if (_ibf)
            return;
        if (Hold())
            return;
        switch (_state)
        {
            case KcsState.Write:
                _request.Add(value);
                if (Faulty(KcsFault.ErrorStateInWritePhase) && _request.Count == 2)
                {
                    EnterError(0x06);
                    return;
                }
                if (!_writeEnd)
                {
                    SetObf(DummyByte);
                    return;
                }
                byte[] request = _request.ToArray();
                Requests.Add(request);
                if (Faulty(KcsFault.NeverResponds))
                {
                    _ibf = true;
                    return;
                }
                if (AnswerDelayMicroseconds > 0)
                {
                    _ibf = true;
                    _unanswered = request;
                    _answerDue = StalledMicroseconds + AnswerDelayMicroseconds;
                    return;
                }
                Answer(request);
                break;
            case KcsState.Read when value == KcsControlCode.Read:
                NextResponseByte();
                break;
            case KcsState.Error:
                if (Faulty(KcsFault.AbortIgnored))
                    return;
                _state = KcsState.Read;
                _response = [_errorCode];
                _responsePosition = 0;
                NextResponseByte();
                break;
            default:
                EnterError(0x02);
                break;
        }
    }

    private void Answer(byte[] request)
    {
        _response = Handler(request);
        _responsePosition = 0;
        _state = KcsState.Read;
        NextResponseByte();
    }

    private void NextResponseByte()
    {
        if (_responsePosition >= _response.Length)
        {
            _state = KcsState.Idle;
            SetObf(DummyByte);
            return;
        }
        if (_responsePosition == 1 && _response.Length > 1 && Faulty(KcsFault.ErrorStateInReadPhase))
        {
            EnterError(0xFF);
            return;
        }
        if (_responsePosition == 1 && _response.Length > 1 && Faulty(KcsFault.ObfNeverSet))
        {
            _responsePosition++;
            return;
        }
        SetObf(_response[_responsePosition++]);
    }

    // IbfStuckInWritePhase: from the third write of a faulty transfer on, IBF never clears again.
    private bool Hold()
    {
        _writesThisTransfer++;
        if (Faulty(KcsFault.IbfStuckInWritePhase) && _writesThisTransfer >= 3)
        {
            _ibf = true;
            return true;
        }
        return false;
    }

    private void EnterError(byte code)
    {
        _state = KcsState.Error;
        _errorCode = code;
        SetObf(DummyByte);
    }

    private void SetObf(byte value)
    {
        _dataOut = value;
        _obf = true;
    }
}
