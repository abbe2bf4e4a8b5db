namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>Why a session ends early (docs/protocol.md §4.9).</summary>
public enum AbortReason : ushort
{
    Unspecified = 0,
    DonorShutdown = 1,
    ImageWithdrawn = 2,
    SessionTimeout = 3,
    ClientLeaving = 4,
    SessionFull = 5,
    UnknownSession = 6,
}
