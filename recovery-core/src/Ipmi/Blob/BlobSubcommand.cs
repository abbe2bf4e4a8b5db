namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>The BLOB protocol's subcommands (phosphor-ipmi-blobs README, "Commands"): the byte after the OEN.</summary>
public enum BlobSubcommand : byte
{
    GetCount = 0,
    Enumerate = 1,
    Open = 2,
    Read = 3,
    Write = 4,
    Commit = 5,
    Close = 6,
    Delete = 7,
    Stat = 8,
    SessionStat = 9,
    WriteMeta = 10,
}
