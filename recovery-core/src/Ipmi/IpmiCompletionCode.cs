namespace UefiRecovery.Core.Ipmi;

/// <summary>Generic completion codes (IPMI 2.0 §5.2, Table 5-2).</summary>
public enum IpmiCompletionCode : byte
{
    Ok = 0x00,
    NodeBusy = 0xC0,
    InvalidCommand = 0xC1,
    InvalidForLun = 0xC2,
    Timeout = 0xC3,
    OutOfSpace = 0xC4,
    ReservationCancelled = 0xC5,
    RequestDataTruncated = 0xC6,
    RequestDataLengthInvalid = 0xC7,
    RequestDataFieldLengthExceeded = 0xC8,
    ParameterOutOfRange = 0xC9,
    CannotReturnRequestedBytes = 0xCA,
    NotPresent = 0xCB,
    InvalidDataField = 0xCC,
    IllegalForSensor = 0xCD,
    CannotProvideResponse = 0xCE,
    DuplicateRequest = 0xCF,
    SdrInUpdateMode = 0xD0,
    FirmwareInUpdateMode = 0xD1,
    InitializationInProgress = 0xD2,
    DestinationUnavailable = 0xD3,
    InsufficientPrivilege = 0xD4,
    NotSupportedInPresentState = 0xD5,
    SubFunctionDisabled = 0xD6,
    Unspecified = 0xFF,
}
