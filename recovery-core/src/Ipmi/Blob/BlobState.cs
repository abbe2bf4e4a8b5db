namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>Bits of a blob's state in Stat / SessionStat (BmcBlobStateFlagBits) and of Open's flags (bits 0-1).</summary>
public static class BlobState
{
    public const ushort OpenRead = 1 << 0;
    public const ushort OpenWrite = 1 << 1;
    public const ushort Committing = 1 << 2;
    public const ushort Committed = 1 << 3;
    public const ushort CommitError = 1 << 4;
}
