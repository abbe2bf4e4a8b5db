namespace UefiRecovery.Core.Ipmi;

/// <summary>The names printed for completion codes; device-specific (OEM) codes (01h-7Eh) and command-specific codes (80h-BEh) by range.</summary>
public static class IpmiCompletionCodeNames
{
    public static string Name(byte code) => (IpmiCompletionCode)code switch
    {
        IpmiCompletionCode.Ok => "ok",
        IpmiCompletionCode.NodeBusy => "node-busy",
        IpmiCompletionCode.InvalidCommand => "invalid-command",
        IpmiCompletionCode.InvalidForLun => "invalid-for-lun",
        IpmiCompletionCode.Timeout => "timeout",
        IpmiCompletionCode.OutOfSpace => "out-of-space",
        IpmiCompletionCode.ReservationCancelled => "reservation-cancelled",
        IpmiCompletionCode.RequestDataTruncated => "request-data-truncated",
        IpmiCompletionCode.RequestDataLengthInvalid => "request-data-length-invalid",
        IpmiCompletionCode.RequestDataFieldLengthExceeded => "request-data-field-length-exceeded",
        IpmiCompletionCode.ParameterOutOfRange => "parameter-out-of-range",
        IpmiCompletionCode.CannotReturnRequestedBytes => "cannot-return-requested-bytes",
        IpmiCompletionCode.NotPresent => "not-present",
        IpmiCompletionCode.InvalidDataField => "invalid-data-field",
        IpmiCompletionCode.IllegalForSensor => "illegal-for-sensor",
        IpmiCompletionCode.CannotProvideResponse => "cannot-provide-response",
        IpmiCompletionCode.DuplicateRequest => "duplicate-request",
        IpmiCompletionCode.SdrInUpdateMode => "sdr-in-update-mode",
        IpmiCompletionCode.FirmwareInUpdateMode => "firmware-in-update-mode",
        IpmiCompletionCode.InitializationInProgress => "initialization-in-progress",
        IpmiCompletionCode.DestinationUnavailable => "destination-unavailable",
        IpmiCompletionCode.InsufficientPrivilege => "insufficient-privilege",
        IpmiCompletionCode.NotSupportedInPresentState => "not-supported-in-present-state",
        IpmiCompletionCode.SubFunctionDisabled => "sub-function-disabled",
        IpmiCompletionCode.Unspecified => "unspecified",
        _ => code >= 0x01 && code <= 0x7E ? "device-specific" : code >= 0x80 && code <= 0xBE ? "command-specific" : "reserved",
    };
}
