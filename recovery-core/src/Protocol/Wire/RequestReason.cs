namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>Why a client asks for an image (docs/protocol.md §4.1). Unknown values are carried as they are.</summary>
public enum RequestReason : byte
{
    /// <summary>The firmware check found an invalid region at boot.</summary>
    FirmwareInvalid = 1,
    /// <summary>Someone at the machine asked for recovery.</summary>
    OperatorRequest = 2,
    /// <summary>The manager instructed this machine to recover (reserved manager-initiated path).</summary>
    ManagerInstruction = 3,
    /// <summary>A previous image was rejected by verification; asking again, excluding that donor.</summary>
    RetryAfterRejection = 4,
}
