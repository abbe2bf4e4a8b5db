namespace UefiRecovery.Testbed.Bmc;

/// <summary>
/// One BLOB command the test BMC received with a valid CRC, in arrival order: subcommand, session (0 when the
/// command has none), Write/Read offset, data bytes carried, and whether it was answered (not dropped).
/// </summary>
public sealed record BmcBlobMessage(byte Subcommand, ushort Session, uint Offset, int DataBytes, bool Answered);
