namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>How reading a whole blob ended (<see cref="BlobDownload"/>).</summary>
public enum BlobDownloadStatus : byte
{
    /// <summary>Every byte Stat announced is in the buffer.</summary>
    Read = 0,

    /// <summary>Stat answered a completion code: the BMC holds no such blob.</summary>
    Absent,

    /// <summary>The blob exists but Stat does not say committed (still being written, or its commit failed).</summary>
    NotCommitted,

    /// <summary>Stat announced more bytes than the buffer holds; nothing was read.</summary>
    TooLarge,

    /// <summary>A command failed after its retries (<see cref="BlobDownload.FailedStep"/>, <see cref="BlobDownload.FailedStatus"/>).</summary>
    CommandFailed,

    /// <summary>A Read answered no bytes before the announced size was reached.</summary>
    EndedEarly,

    /// <summary>The blob was not read within its bounds (Reads for its size, KCS waiting): a BMC dripping bytes or answering at the edge of every budget.</summary>
    TooSlow,
}
