namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>Why an update succeeded or failed, in RESULT and in verifier verdicts (docs/protocol.md §4.7).</summary>
public enum ResultReason : ushort
{
    None = 0,
    SignatureInvalid = 1,
    UntrustedKey = 2,
    WrongPlatform = 3,
    VersionTooLow = 4,
    MalformedImage = 5,
    FlashEraseFailed = 6,
    FlashWriteFailed = 7,
    ReadbackMismatch = 8,
    FirmwareInvalidAfterUpdate = 9,
    Timeout = 10,
    Aborted = 11,
    ImageTooLarge = 12,
    ImageIdMismatch = 13,
    /// <summary>The verified capsule's version is not the one the OFFER announced (docs/protocol.md §6.7).</summary>
    AnnouncedVersionMismatch = 14,
    Other = 0xFFFF,
}
