using System;

namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>
/// A whole committed blob from the BMC into a caller's buffer (the BMC as a donor, docs/bmc.md): Stat (is it there,
/// committed, and how large), Open for reading, Read at increasing offsets until Stat's size (each answer's CRC and
/// length checked by <see cref="BlobClient"/>, a damaged one read again), Close. The bytes are untrusted: the caller
/// verifies them exactly like a network image before anything is written.
/// </summary>
public sealed class BlobDownload
{
    private readonly BlobClient _client;

    public BlobDownload(BlobClient client) => _client = client;

    /// <summary>The step that failed when <see cref="Read"/> returned CommandFailed.</summary>
    public BlobSubcommand FailedStep { get; private set; }

    public BlobStatus FailedStatus { get; private set; }

    /// <summary>The size and state Stat gave.</summary>
    public BlobStat Stat { get; private set; }

    /// <summary>Read messages of the last download.</summary>
    public int Reads { get; private set; }

    /// <summary>Stat, then the whole blob: <see cref="Query"/> and <see cref="ReadQueried"/>.</summary>
    public BlobDownloadStatus Read(ReadOnlySpan<byte> blobId, Span<byte> destination, out int length)
    {
        length = 0;
        BlobDownloadStatus status = Query(blobId, destination.Length);
        return status != BlobDownloadStatus.Read ? status : ReadQueried(blobId, destination, out length);
    }

    /// <summary>
    /// Stat only: whether the blob is there, committed and at most <paramref name="capacity"/> bytes (Read when it is). Its
    /// metadata is then <see cref="BlobClient.LastMetadata"/>, for a caller that judges the blob before reading it.
    /// </summary>
    public BlobDownloadStatus Query(ReadOnlySpan<byte> blobId, int capacity)
    {
        Reads = 0;
        FailedStatus = BlobStatus.Ok;
        BlobStatus status = _client.Stat(blobId, out BlobStat stat);
        Stat = stat;
        if (status == BlobStatus.CompletionCode)
            return BlobDownloadStatus.Absent;
        if (status != BlobStatus.Ok)
            return Failed(BlobSubcommand.Stat, status);
        if (!stat.Has(BlobState.Committed) || stat.Has(BlobState.Committing) || stat.Has(BlobState.CommitError))
            return BlobDownloadStatus.NotCommitted;
        if (stat.Size > (uint)capacity)
            return BlobDownloadStatus.TooLarge;
        return BlobDownloadStatus.Read;
    }

    /// <summary>After a <see cref="Query"/> that returned Read: Open for reading, Read the size Stat gave, Close.</summary>
    public BlobDownloadStatus ReadQueried(ReadOnlySpan<byte> blobId, Span<byte> destination, out int length)
    {
        length = 0;
        int size = (int)Stat.Size;
        if (size > destination.Length)
            return BlobDownloadStatus.TooLarge;
        BlobStatus status = _client.Open(blobId, BlobState.OpenRead, out ushort session);
        if (status != BlobStatus.Ok)
            return Failed(BlobSubcommand.Open, status);
        BlobDownloadStatus result = ReadAll(session, destination.Slice(0, size), out length);
        status = _client.Close(session);
        if (result == BlobDownloadStatus.Read && status != BlobStatus.Ok)
        {
            length = 0;
            return Failed(BlobSubcommand.Close, status);
        }
        return result;
    }

    private BlobDownloadStatus ReadAll(ushort session, Span<byte> destination, out int length)
    {
        length = 0;
        while (length < destination.Length)
        {
            Span<byte> chunk = destination.Slice(length, Math.Min(BlobClient.MaxReadBytes, destination.Length - length));
            BlobStatus status = _client.Read(session, (uint)length, chunk, out int read);
            if (status != BlobStatus.Ok)
                return Failed(BlobSubcommand.Read, status);
            Reads++;
            if (read == 0)
                return BlobDownloadStatus.EndedEarly;
            length += read;
        }
        return BlobDownloadStatus.Read;
    }

    private BlobDownloadStatus Failed(BlobSubcommand step, BlobStatus status)
    {
        FailedStep = step;
        FailedStatus = status;
        return BlobDownloadStatus.CommandFailed;
    }
}
