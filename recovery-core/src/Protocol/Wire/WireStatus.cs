namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>Why a datagram was rejected, or why an emit could not be done. Errors are values.</summary>
public enum WireStatus : byte
{
    Ok = 0,
    /// <summary>Fewer bytes than the header or the fixed payload part needs.</summary>
    Truncated,
    /// <summary>The first four bytes are not "URCP": not our protocol.</summary>
    BadMagic,
    /// <summary>A protocol version this code does not speak.</summary>
    UnsupportedVersion,
    /// <summary>The header's payload length does not match the datagram's length exactly.</summary>
    LengthMismatch,
    /// <summary>The CRC-32 over the message does not match: corrupted in transit.</summary>
    BadChecksum,
    /// <summary>A type byte this version does not define.</summary>
    UnknownType,
    /// <summary>Not returned any more: 0x10 and 0x11 were reserved until issue #13 defined them. Kept so the values after it keep their numbers.</summary>
    ReservedType,
    /// <summary>The frame is valid but of another type than the parser asked for.</summary>
    WrongType,
    /// <summary>The payload length is wrong for the message type.</summary>
    BadPayloadLength,
    /// <summary>A field holds a value the specification forbids (zero sender, bad mode, inconsistent counts).</summary>
    BadField,
    /// <summary>A reserved field is not zero.</summary>
    ReservedNotZero,
    /// <summary>The destination buffer is shorter than the message to emit.</summary>
    BufferTooSmall,
}
