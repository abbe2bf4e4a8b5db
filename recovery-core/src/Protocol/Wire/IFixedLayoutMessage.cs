namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// A message whose payload is one fixed-length layout: its fields in layout order and the field checks that
/// parse and emit share. <see cref="FixedLayoutCodec"/> does the rest (type, length, reserved field, frame, CRC).
/// </summary>
internal interface IFixedLayoutMessage<T>
    where T : struct, IFixedLayoutMessage<T>
{
    /// <summary>
    /// Reads the fields into a new message (called on <c>default</c>; the payload length is checked). Ok, or
    /// <see cref="WireStatus.ReservedNotZero"/> for a reserved byte that <see cref="MessageFrame.CheckLayout"/>
    /// does not cover.
    /// </summary>
    WireStatus ReadFields(ref PayloadReader fields, out T message);

    void WriteFields(ref PayloadWriter fields);

    /// <summary>
    /// The field rules (nonzero ids, ranges, the header's session and sender ids) a parsed message must meet
    /// and an emitted one must keep.
    /// </summary>
    bool HasValidFields(in MessageIds ids);
}
