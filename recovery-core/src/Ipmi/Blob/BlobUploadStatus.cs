namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>How one file's upload ended (<see cref="BlobUpload"/>); the step that failed is <see cref="BlobUpload.FailedStep"/>.</summary>
public enum BlobUploadStatus : byte
{
    /// <summary>Written, committed, and the BMC's Stat says committed with the file's size.</summary>
    Stored = 0,

    /// <summary>A command failed after its retries (<see cref="BlobUpload.FailedStep"/>, <see cref="BlobUpload.FailedStatus"/>).</summary>
    CommandFailed,

    /// <summary>Stat never said committed within the polls: the BMC did not acknowledge that it stored the file.</summary>
    NotAcknowledged,

    /// <summary>Stat said the commit failed.</summary>
    CommitError,

    /// <summary>Stat said committed, but with another size than the file's.</summary>
    SizeMismatch,

    /// <summary>The file cost more KCS waiting than <see cref="BlobUpload.WaitBudgetMicroseconds"/>: a BMC answering at the edge of every budget.</summary>
    TooSlow,
}
