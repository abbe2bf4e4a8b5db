namespace UefiRecovery.Core.Config;

/// <summary>What the EFI app does after start-up (<c>uefirecovery.mode=</c>).</summary>
public enum RecoveryMode : byte
{
    /// <summary>No mode given: the normal flow (today: print the banner and return to the firmware).</summary>
    Default = 0,

    /// <summary><c>selftest</c>: run the runtime self-test, then stop the machine.</summary>
    SelfTest = 1,

    /// <summary><c>netdiag</c>: bring the NIC up, report it, answer ping and UDP echo, then stop the machine.</summary>
    NetDiag = 2,

    /// <summary><c>recover</c>: fetch, verify and write the firmware image, whatever the region's state.</summary>
    Recover = 3,

    /// <summary><c>auto</c>: recover only when the firmware region is invalid, else hand over.</summary>
    Auto = 4,

    /// <summary><c>coretest</c>: run the portable core's checks inside the firmware, then stop the machine.</summary>
    CoreTest = 5,

    /// <summary><c>fvbcheck</c>: list the FVB instances and judge the configured region (docs/firmware-regions.md).</summary>
    FvbCheck = 6,

    /// <summary><c>stage-to-bmc</c>: send the stage list's ESP files to the BMC over IPMI BLOB (docs/bmc.md), then stop the machine.</summary>
    StageToBmc = 7,
}
