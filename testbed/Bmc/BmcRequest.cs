namespace UefiRecovery.Testbed.Bmc;

/// <summary>One IPMI request as the BMC received it.</summary>
public sealed record BmcRequest(byte NetFn, byte Lun, byte Command, byte[] Data);
