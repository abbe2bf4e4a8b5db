namespace UefiRecovery.Core.Config;

/// <summary>
/// TEST ONLY (<c>uefirecovery.test.fvb-fail</c>): the FVB call the recovery run treats as failed with
/// EFI_DEVICE_ERROR, so a boot proves that such a failure ends the run before anything is erased.
/// </summary>
public enum FvbTestFault : byte
{
    None,
    Open,
    GetBlockSize,
    GetAttributes,
    GetPhysicalAddress,
}
