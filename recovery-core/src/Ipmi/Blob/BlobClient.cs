using System;

namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>
/// OpenBMC's IPMI BLOB transfer protocol (phosphor-ipmi-blobs README): OEM/Group netfn 2Eh, command 80h. A request's
/// data is OpenBMC's OEN (49871, three bytes little-endian), the subcommand and, when the subcommand has a body, a
/// CRC16 (<see cref="BlobCrc16"/>) over the body and the body; an answer's data is the OEN echoed and, when it has a
/// body, its CRC and the body. Multi-byte fields are little-endian. Every answer is treated as hostile: OEN, CRC and
/// lengths are checked before a field is read. A command whose answer was lost or damaged (transfer failed, short,
/// wrong OEN, bad CRC, oversize, or FFh, which OpenBMC answers to a request whose CRC it rejected) is sent again up
/// to <see cref="Retries"/> times: the spec asks handlers to be idempotent for exactly that. Buffers are allocated
/// once; nothing is allocated per message.
/// </summary>
public sealed class BlobClient
{
    public const byte NetFnOemGroup = 0x2E;
    public const byte Command = 0x80;
    public const int OpenBmcOen = 49871;
    public const int OenBytes = 3;
    public const int CrcBytes = 2;

    /// <summary>OEN, subcommand, CRC: what precedes a request body.</summary>
    public const int RequestOverheadBytes = OenBytes + 1 + CrcBytes;

    /// <summary>Session, offset: what precedes Write's data.</summary>
    public const int WriteHeaderBytes = 6;

    /// <summary>Largest IPMI request data the interface carries (the KCS buffer less netfn and command).</summary>
    public const int MaxRequestDataBytes = KcsInterface.MaxMessageBytes - IpmiMessage.RequestHeaderBytes;

    /// <summary>Most data bytes one Write can carry.</summary>
    public const int MaxWriteBytes = MaxRequestDataBytes - RequestOverheadBytes - WriteHeaderBytes;

    /// <summary>Most data bytes one Read can ask for (the answer: completion code, OEN, CRC, data).</summary>
    public const int MaxReadBytes = KcsInterface.MaxMessageBytes - IpmiMessage.ResponseHeaderBytes - OenBytes - CrcBytes;

    private readonly IpmiClient _ipmi;
    private readonly byte[] _request = new byte[MaxRequestDataBytes];
    private readonly byte[] _metadata = new byte[255];
    private int _metadataLength;

    public BlobClient(IpmiClient ipmi, int retries = 2)
    {
        _ipmi = ipmi;
        Retries = retries;
    }

    public IpmiClient Ipmi => _ipmi;

    /// <summary>Further attempts of a command whose answer was lost or damaged.</summary>
    public int Retries { get; }

    /// <summary>Commands sent again because their answer was lost or damaged, since construction.</summary>
    public int CommandsRetried { get; private set; }

    /// <summary>Commands sent (each attempt counts), since construction.</summary>
    public int CommandsSent { get; private set; }

    /// <summary>How the last failed attempt failed (Ok when none failed): kept when a retry then succeeds.</summary>
    public BlobStatus LastFault { get; private set; }

    public byte LastCompletionCode { get; private set; }

    /// <summary>The blob-specific metadata of the last Stat / SessionStat that succeeded (empty otherwise).</summary>
    public ReadOnlySpan<byte> LastMetadata => new ReadOnlySpan<byte>(_metadata, 0, _metadataLength);

    public BlobStatus GetCount(out uint count)
    {
        count = 0;
        BlobStatus status = Exchange(BlobSubcommand.GetCount, 0, out ReadOnlySpan<byte> body);
        if (status != BlobStatus.Ok)
            return status;
        if (body.Length < 4)
            return BlobStatus.Short;
        count = ReadUInt32(body, 0);
        return BlobStatus.Ok;
    }

    /// <summary>The id of blob <paramref name="index"/>, without its NUL, into <paramref name="id"/>.</summary>
    public BlobStatus Enumerate(uint index, Span<byte> id, out int length)
    {
        length = 0;
        WriteUInt32(Body(), 0, index);
        BlobStatus status = Exchange(BlobSubcommand.Enumerate, 4, out ReadOnlySpan<byte> body);
        if (status != BlobStatus.Ok)
            return status;
        int end = body.IndexOf((byte)0);
        if (end <= 0)
            return BlobStatus.Short; // no NUL-terminated id
        if (end > id.Length)
            return BlobStatus.Oversize;
        body.Slice(0, end).CopyTo(id);
        length = end;
        return BlobStatus.Ok;
    }

    /// <summary>Opens <paramref name="blobId"/> (ASCII, no NUL) with <see cref="BlobState.OpenRead"/> or <see cref="BlobState.OpenWrite"/>.</summary>
    public BlobStatus Open(ReadOnlySpan<byte> blobId, ushort flags, out ushort session)
    {
        session = 0;
        Span<byte> request = Body();
        WriteUInt16(request, 0, flags);
        if (!TryPutId(blobId, request.Slice(2), out int idBytes))
            return BlobStatus.BadRequest;
        BlobStatus status = Exchange(BlobSubcommand.Open, 2 + idBytes, out ReadOnlySpan<byte> body);
        if (status != BlobStatus.Ok)
            return status;
        if (body.Length < 2)
            return BlobStatus.Short;
        session = ReadUInt16(body, 0);
        return BlobStatus.Ok;
    }

    /// <summary>
    /// Reads up to <paramref name="destination"/>.Length bytes (at most <see cref="MaxReadBytes"/>) at <paramref name="offset"/>;
    /// fewer at the end of the blob, none past it. Nothing is copied unless the whole answer checked out.
    /// </summary>
    public BlobStatus Read(ushort session, uint offset, Span<byte> destination, out int read)
    {
        read = 0;
        if (destination.Length > MaxReadBytes)
            return BlobStatus.BadRequest;
        Span<byte> request = Body();
        WriteUInt16(request, 0, session);
        WriteUInt32(request, 2, offset);
        WriteUInt32(request, 6, (uint)destination.Length);
        BlobStatus status = Exchange(BlobSubcommand.Read, 10, out ReadOnlySpan<byte> body);
        if (status != BlobStatus.Ok)
            return status;
        body.CopyTo(destination); // Exchange checked it fits
        read = body.Length;
        return BlobStatus.Ok;
    }

    /// <summary>Writes <paramref name="data"/> (at most <see cref="MaxWriteBytes"/>) at <paramref name="offset"/>.</summary>
    public BlobStatus Write(ushort session, uint offset, ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxWriteBytes)
            return BlobStatus.BadRequest;
        Span<byte> request = Body();
        WriteUInt16(request, 0, session);
        WriteUInt32(request, 2, offset);
        data.CopyTo(request.Slice(WriteHeaderBytes));
        return Exchange(BlobSubcommand.Write, WriteHeaderBytes + data.Length, out _);
    }

    /// <summary>Commit without commit data: the BMC stores what was written (it may still be committing when this returns).</summary>
    public BlobStatus Commit(ushort session)
    {
        Span<byte> request = Body();
        WriteUInt16(request, 0, session);
        request[2] = 0; // commit_data_len
        return Exchange(BlobSubcommand.Commit, 3, out _);
    }

    public BlobStatus Close(ushort session)
    {
        WriteUInt16(Body(), 0, session);
        return Exchange(BlobSubcommand.Close, 2, out _);
    }

    public BlobStatus Delete(ReadOnlySpan<byte> blobId)
    {
        if (!TryPutId(blobId, Body(), out int idBytes))
            return BlobStatus.BadRequest;
        return Exchange(BlobSubcommand.Delete, idBytes, out _);
    }

    public BlobStatus Stat(ReadOnlySpan<byte> blobId, out BlobStat stat)
    {
        stat = default;
        if (!TryPutId(blobId, Body(), out int idBytes))
            return BlobStatus.BadRequest;
        BlobStatus status = Exchange(BlobSubcommand.Stat, idBytes, out ReadOnlySpan<byte> body);
        return status != BlobStatus.Ok ? status : ParseStat(body, out stat);
    }

    public BlobStatus SessionStat(ushort session, out BlobStat stat)
    {
        stat = default;
        WriteUInt16(Body(), 0, session);
        BlobStatus status = Exchange(BlobSubcommand.SessionStat, 2, out ReadOnlySpan<byte> body);
        return status != BlobStatus.Ok ? status : ParseStat(body, out stat);
    }

    // state (2), size (4), metadata length (1), metadata.
    private BlobStatus ParseStat(ReadOnlySpan<byte> body, out BlobStat stat)
    {
        stat = default;
        _metadataLength = 0;
        if (body.Length < 7 || body.Length < 7 + body[6])
            return BlobStatus.Short;
        stat.State = ReadUInt16(body, 0);
        stat.Size = ReadUInt32(body, 2);
        stat.MetadataLength = body[6];
        body.Slice(7, body[6]).CopyTo(_metadata);
        _metadataLength = body[6];
        return BlobStatus.Ok;
    }

    /// <summary>The request body area, after OEN, subcommand and CRC.</summary>
    private Span<byte> Body() => new Span<byte>(_request, RequestOverheadBytes, _request.Length - RequestOverheadBytes);

    private static bool TryPutId(ReadOnlySpan<byte> blobId, Span<byte> destination, out int written)
    {
        written = 0;
        if (blobId.Length == 0 || blobId.Length + 1 > destination.Length || blobId.IndexOf((byte)0) >= 0)
            return false;
        blobId.CopyTo(destination);
        destination[blobId.Length] = 0;
        written = blobId.Length + 1;
        return true;
    }

    /// <summary>Sends the subcommand with the body already in place, with retries; <paramref name="answer"/> is the answer's body after its CRC.</summary>
    private BlobStatus Exchange(BlobSubcommand subcommand, int bodyLength, out ReadOnlySpan<byte> answer)
    {
        int maxAnswer = subcommand == BlobSubcommand.Read ? (int)ReadUInt32(_request, RequestOverheadBytes + 6) : int.MaxValue;
        _request[0] = OpenBmcOen & 0xFF;
        _request[1] = (OpenBmcOen >> 8) & 0xFF;
        _request[2] = (OpenBmcOen >> 16) & 0xFF;
        _request[3] = (byte)subcommand;
        int requestLength = OenBytes + 1;
        if (bodyLength > 0)
        {
            WriteUInt16(_request, OenBytes + 1, BlobCrc16.Compute(new ReadOnlySpan<byte>(_request, RequestOverheadBytes, bodyLength)));
            requestLength = RequestOverheadBytes + bodyLength;
        }
        BlobStatus status = SendOnce(new ReadOnlySpan<byte>(_request, 0, requestLength), maxAnswer, out answer);
        for (int retry = 0; retry < Retries && IsLostOrDamaged(status); retry++)
        {
            CommandsRetried++;
            status = SendOnce(new ReadOnlySpan<byte>(_request, 0, requestLength), maxAnswer, out answer);
        }
        return status;
    }

    private bool IsLostOrDamaged(BlobStatus status) =>
        status == BlobStatus.TransferFailed || status == BlobStatus.Short || status == BlobStatus.WrongOen
        || status == BlobStatus.BadCrc || status == BlobStatus.Oversize
        || (status == BlobStatus.CompletionCode && LastCompletionCode == (byte)IpmiCompletionCode.Unspecified);

    private BlobStatus SendOnce(ReadOnlySpan<byte> request, int maxAnswer, out ReadOnlySpan<byte> answer)
    {
        answer = default;
        CommandsSent++;
        IpmiStatus ipmi = _ipmi.Send(NetFnOemGroup, Command, request, out ReadOnlySpan<byte> data);
        LastCompletionCode = _ipmi.LastCompletionCode;
        BlobStatus status = ipmi switch
        {
            IpmiStatus.Ok => CheckAnswer(data, maxAnswer, out answer),
            IpmiStatus.CompletionCode => BlobStatus.CompletionCode,
            _ => BlobStatus.TransferFailed,
        };
        if (status != BlobStatus.Ok)
            LastFault = status;
        return status;
    }

    private static BlobStatus CheckAnswer(ReadOnlySpan<byte> data, int maxAnswer, out ReadOnlySpan<byte> answer)
    {
        answer = default;
        if (data.Length < OenBytes)
            return BlobStatus.Short;
        if (data[0] != (OpenBmcOen & 0xFF) || data[1] != ((OpenBmcOen >> 8) & 0xFF) || data[2] != ((OpenBmcOen >> 16) & 0xFF))
            return BlobStatus.WrongOen;
        ReadOnlySpan<byte> rest = data.Slice(OenBytes);
        if (rest.Length == 0)
            return BlobStatus.Ok; // Write, Commit, Close, Delete answer nothing
        if (rest.Length < CrcBytes)
            return BlobStatus.Short;
        ReadOnlySpan<byte> body = rest.Slice(CrcBytes);
        if (ReadUInt16(rest, 0) != BlobCrc16.Compute(body))
            return BlobStatus.BadCrc;
        if (body.Length > maxAnswer)
            return BlobStatus.Oversize;
        answer = body;
        return BlobStatus.Ok;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> bytes, int at) => (ushort)(bytes[at] | bytes[at + 1] << 8);

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, int at) =>
        (uint)(bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24);

    private static void WriteUInt16(Span<byte> bytes, int at, ushort value)
    {
        bytes[at] = (byte)value;
        bytes[at + 1] = (byte)(value >> 8);
    }

    private static void WriteUInt32(Span<byte> bytes, int at, uint value)
    {
        bytes[at] = (byte)value;
        bytes[at + 1] = (byte)(value >> 8);
        bytes[at + 2] = (byte)(value >> 16);
        bytes[at + 3] = (byte)(value >> 24);
    }
}
