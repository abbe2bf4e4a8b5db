using System;

namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>
/// One file to the BMC over the BLOB protocol, in seed 004's order (docs/bmc.md maps it): Open for writing (start file
/// transfer), Write at increasing offsets (transmit data), each sent only after the previous one's answer and sent
/// again with the same offset when that answer was lost or damaged (<see cref="BlobClient"/>), Commit (end file
/// transfer), then Stat until the BMC says committed with the file's size (its acknowledgement that it stored the
/// file), and Close, which the spec asks for whatever the outcome once a session is open. A file may cost at most
/// <see cref="WaitBudgetMicroseconds"/> of KCS waiting (the interface's stalls, not the poll intervals), so a BMC answering
/// every Write at the edge of its budgets cannot hold the machine for hours: past it, <see cref="BlobUploadStatus.TooSlow"/>.
/// </summary>
public sealed class BlobUpload
{
    /// <summary>KCS waiting one file may cost: 20 minutes; the 528 KiB capsule took seconds under TCG.</summary>
    public const long DefaultWaitBudgetMicroseconds = 20L * 60 * 1_000_000;

    private readonly BlobClient _client;
    private long _stalledAtOpen;

    public BlobUpload(BlobClient client, int chunkBytes, int commitPolls, int pollIntervalMicroseconds,
        long waitBudgetMicroseconds = DefaultWaitBudgetMicroseconds)
    {
        _client = client;
        ChunkBytes = Math.Max(1, Math.Min(chunkBytes, BlobClient.MaxWriteBytes));
        CommitPolls = commitPolls;
        PollIntervalMicroseconds = pollIntervalMicroseconds;
        WaitBudgetMicroseconds = waitBudgetMicroseconds;
    }

    /// <summary>KCS stall time (<see cref="KcsInterface.StalledMicroseconds"/>) one file may cost from Open on.</summary>
    public long WaitBudgetMicroseconds { get; }

    public int ChunkBytes { get; }

    /// <summary>Stat polls after Commit before the upload counts as not acknowledged.</summary>
    public int CommitPolls { get; }

    public int PollIntervalMicroseconds { get; }

    /// <summary>The step that failed (meaningful when <see cref="Send"/> did not return Stored).</summary>
    public BlobSubcommand FailedStep { get; private set; }

    public BlobStatus FailedStatus { get; private set; }

    /// <summary>Write messages of the last upload (not counting retries).</summary>
    public int Writes { get; private set; }

    /// <summary>Stat polls of the last upload.</summary>
    public int Polls { get; private set; }

    /// <summary>The size the BMC's last Stat gave.</summary>
    public uint StoredSize { get; private set; }

    public BlobUploadStatus Send(ReadOnlySpan<byte> blobId, ReadOnlySpan<byte> content)
    {
        Writes = 0;
        Polls = 0;
        StoredSize = 0;
        FailedStatus = BlobStatus.Ok;
        _stalledAtOpen = _client.Ipmi.Interface.StalledMicroseconds;
        BlobStatus status = _client.Open(blobId, BlobState.OpenWrite, out ushort session);
        if (status != BlobStatus.Ok)
            return Failed(BlobSubcommand.Open, status);
        BlobUploadStatus result = WriteCommitAndPoll(session, blobId, content);
        status = _client.Close(session);
        if (result == BlobUploadStatus.Stored && status != BlobStatus.Ok)
            return Failed(BlobSubcommand.Close, status);
        return result;
    }

    private BlobUploadStatus WriteCommitAndPoll(ushort session, ReadOnlySpan<byte> blobId, ReadOnlySpan<byte> content)
    {
        for (int offset = 0; offset < content.Length; offset += ChunkBytes)
        {
            if (OverBudget(BlobSubcommand.Write))
                return BlobUploadStatus.TooSlow;
            BlobStatus written = _client.Write(session, (uint)offset, content.Slice(offset, Math.Min(ChunkBytes, content.Length - offset)));
            if (written != BlobStatus.Ok)
                return Failed(BlobSubcommand.Write, written);
            Writes++;
        }
        BlobStatus status = _client.Commit(session);
        if (status != BlobStatus.Ok)
            return Failed(BlobSubcommand.Commit, status);
        for (Polls = 1; Polls <= CommitPolls; Polls++)
        {
            if (OverBudget(BlobSubcommand.Stat))
                return BlobUploadStatus.TooSlow;
            status = _client.Stat(blobId, out BlobStat stat);
            if (status != BlobStatus.Ok)
                return Failed(BlobSubcommand.Stat, status);
            StoredSize = stat.Size;
            if (stat.Has(BlobState.CommitError))
                return BlobUploadStatus.CommitError;
            if (stat.Has(BlobState.Committed) && !stat.Has(BlobState.Committing))
                return stat.Size == (uint)content.Length ? BlobUploadStatus.Stored : BlobUploadStatus.SizeMismatch;
            _client.Ipmi.Interface.Wait(PollIntervalMicroseconds);
        }
        Polls = CommitPolls;
        FailedStep = BlobSubcommand.Stat;
        return BlobUploadStatus.NotAcknowledged;
    }

    private bool OverBudget(BlobSubcommand step)
    {
        if (_client.Ipmi.Interface.StalledMicroseconds - _stalledAtOpen <= WaitBudgetMicroseconds)
            return false;
        FailedStep = step;
        return true;
    }

    private BlobUploadStatus Failed(BlobSubcommand step, BlobStatus status)
    {
        FailedStep = step;
        FailedStatus = status;
        return BlobUploadStatus.CommandFailed;
    }
}
