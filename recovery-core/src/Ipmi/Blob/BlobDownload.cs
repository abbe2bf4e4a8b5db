using System;

namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>
/// A whole committed blob from the BMC into a caller's buffer (the BMC as a donor, docs/bmc.md): Stat (is it there,
/// committed, and how large), Open for reading, Read at increasing offsets until Stat's size (each answer's CRC and
/// length checked by <see cref="BlobClient"/>, a damaged one read again), Close. The bytes are untrusted: the caller
/// verifies them exactly like a network image before anything is written. The read is bounded, so a hostile or broken BMC
/// cannot hold recovery at this source and keep the next one from being tried: at most <see cref="MaxReadsFor"/> Reads
/// (a BMC answering a byte at a time is refused), and at most <see cref="WaitBudgetMicroseconds"/> of KCS waiting
/// (the interface's stalls, a lower bound of the time spent; a BMC answering each request just inside its budgets is
/// refused); either ends the download with <see cref="BlobDownloadStatus.TooSlow"/>.
/// </summary>
public sealed class BlobDownload
{
    /// <summary>KCS waiting a whole download may cost: 20 minutes, several times what the 528 KiB image took under TCG.</summary>
    public const long DefaultWaitBudgetMicroseconds = 20L * 60 * 1_000_000;

    private readonly BlobClient _client;

    public BlobDownload(BlobClient client, long waitBudgetMicroseconds = DefaultWaitBudgetMicroseconds)
    {
        _client = client;
        WaitBudgetMicroseconds = waitBudgetMicroseconds;
    }

    /// <summary>KCS stall time (<see cref="KcsInterface.StalledMicroseconds"/>) from Open to the last Read before the download is refused.</summary>
    public long WaitBudgetMicroseconds { get; }

    /// <summary>Reads allowed for <paramref name="size"/> bytes: four times the full-size Reads it takes, and four more.</summary>
    public static int MaxReadsFor(int size) => 4 * ((size + BlobClient.MaxReadBytes - 1) / BlobClient.MaxReadBytes) + 4;

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
        long stalledAtOpen = _client.Ipmi.Interface.StalledMicroseconds;
        BlobStatus status = _client.Open(blobId, BlobState.OpenRead, out ushort session);
        if (status != BlobStatus.Ok)
            return Failed(BlobSubcommand.Open, status);
        BlobDownloadStatus result = ReadAll(session, destination.Slice(0, size), stalledAtOpen, out length);
        status = _client.Close(session);
        if (result == BlobDownloadStatus.Read && status != BlobStatus.Ok)
        {
            length = 0;
            return Failed(BlobSubcommand.Close, status);
        }
        return result;
    }

    private BlobDownloadStatus ReadAll(ushort session, Span<byte> destination, long stalledAtOpen, out int length)
    {
        length = 0;
        int maxReads = MaxReadsFor(destination.Length);
        while (length < destination.Length)
        {
            if (Reads >= maxReads || _client.Ipmi.Interface.StalledMicroseconds - stalledAtOpen > WaitBudgetMicroseconds)
            {
                length = 0;
                return BlobDownloadStatus.TooSlow;
            }
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
