namespace UefiRecovery.Testbed.Bmc;

/// <summary>What the test BMC does to the answer of a BLOB command (<see cref="BmcBlobStore.InjectFault"/>).</summary>
public enum BmcBlobFault
{
    /// <summary>The command is carried out, its answer is lost (QEMU's KCS model then answers C3h after 4 s).</summary>
    Drop,

    /// <summary>The command is carried out, its answer is damaged: its CRC, or its OEN when it has no body.</summary>
    Corrupt,

    /// <summary>Not carried out: C0h node busy.</summary>
    Busy,
}
