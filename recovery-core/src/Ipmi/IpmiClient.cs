using System;

namespace UefiRecovery.Core.Ipmi;

/// <summary>
/// Sends IPMI commands over a <see cref="KcsInterface"/> with buffers allocated once: a command's response
/// data stays valid until the next <see cref="Send"/>. A command answered "node busy" (C0h) or "timeout" (C3h,
/// which QEMU's model also gives for a BMC that dropped the request) is sent again, up to <see cref="CommandRetries"/> times.
/// </summary>
public sealed class IpmiClient
{
    private readonly KcsInterface _kcs;
    private readonly byte[] _request = new byte[KcsInterface.MaxMessageBytes];
    private readonly byte[] _response = new byte[KcsInterface.MaxMessageBytes];

    public IpmiClient(KcsInterface kcs, int commandRetries = 2)
    {
        _kcs = kcs;
        CommandRetries = commandRetries;
    }

    public int CommandRetries { get; }

    /// <summary>Commands sent again after C0h/C3h since construction.</summary>
    public int CommandsRetried { get; private set; }

    public KcsInterface Interface => _kcs;

    public KcsTransferStatus LastTransfer { get; private set; }

    public byte LastCompletionCode { get; private set; }

    /// <summary>Request and response bytes moved over KCS since construction, for throughput figures.</summary>
    public long BytesTransferred { get; private set; }

    public IpmiStatus Send(byte netFn, byte command, ReadOnlySpan<byte> data, out ReadOnlySpan<byte> responseData)
    {
        IpmiStatus status = SendOnce(netFn, command, data, out responseData);
        for (int retry = 0; retry < CommandRetries && status == IpmiStatus.CompletionCode
            && (LastCompletionCode == (byte)IpmiCompletionCode.NodeBusy || LastCompletionCode == (byte)IpmiCompletionCode.Timeout); retry++)
        {
            CommandsRetried++;
            status = SendOnce(netFn, command, data, out responseData);
        }
        return status;
    }

    private IpmiStatus SendOnce(byte netFn, byte command, ReadOnlySpan<byte> data, out ReadOnlySpan<byte> responseData)
    {
        responseData = default;
        LastCompletionCode = 0;
        LastTransfer = KcsTransferStatus.Ok;
        if (!IpmiMessage.TryEncodeRequest(netFn, command, data, _request, out int requestLength))
        {
            LastTransfer = KcsTransferStatus.BadRequest;
            return IpmiStatus.TransferFailed;
        }
        LastTransfer = _kcs.Transact(new ReadOnlySpan<byte>(_request, 0, requestLength), _response, out int responseLength);
        if (LastTransfer != KcsTransferStatus.Ok)
            return IpmiStatus.TransferFailed;
        BytesTransferred += requestLength + responseLength;
        if (!IpmiMessage.TryDecodeResponse(netFn, command, new ReadOnlySpan<byte>(_response, 0, responseLength), out byte code, out responseData))
            return IpmiStatus.MalformedResponse;
        LastCompletionCode = code;
        return code == 0 ? IpmiStatus.Ok : IpmiStatus.CompletionCode;
    }
}
