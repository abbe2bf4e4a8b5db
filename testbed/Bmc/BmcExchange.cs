namespace UefiRecovery.Testbed.Bmc;

/// <summary>
/// One answered request: arrival and answer times (Stopwatch timestamps in microseconds) and the IPMI message bytes as the
/// KCS interface carries them (netfn/lun, cmd, data; the answer with its completion code), without seq and checksum.
/// </summary>
public sealed record BmcExchange(long ReceivedUs, long AnsweredUs, int RequestBytes, int ResponseBytes);
