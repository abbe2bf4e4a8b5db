using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Phy
{
    /// <summary>
    /// An Ethernet device that lends its own buffers (smoltcp's phy::Device). Frames carry no FCS.
    /// <list type="bullet">
    /// <item>Receive: <see cref="TryReceive"/> lends the device's RX buffer holding one frame. The
    /// span stays valid until the next TryReceive call; the stack never keeps it.</item>
    /// <item>Transmit is "lend me N bytes, I fill them": <see cref="TryBeginTransmit"/> lends a TX
    /// buffer of exactly <c>length</c> bytes, the stack writes the whole frame into it, then calls
    /// <see cref="EndTransmit"/>. At most one transmit is open at a time, and a transmit may be
    /// opened while a received frame is lent (replies are written straight into the TX buffer).</item>
    /// </list>
    /// Nothing here may allocate per frame.
    /// </summary>
    public interface IFrameDevice
    {
        MacAddress MacAddress { get; }

        /// <summary>Largest frame the device sends or receives, header included, FCS excluded (1514 for Ethernet).</summary>
        int MaximumFrameLength { get; }

        /// <summary>Lends the next received frame, or returns false when none is waiting.</summary>
        bool TryReceive(out ReadOnlySpan<byte> frame);

        /// <summary>
        /// Lends a TX buffer of exactly <paramref name="length"/> bytes. False when the device has no
        /// free TX buffer right now (the caller drops or retries later) or the length is too large.
        /// </summary>
        bool TryBeginTransmit(int length, out Span<byte> frame);

        /// <summary>Sends the buffer lent by the last successful TryBeginTransmit.</summary>
        void EndTransmit();

        /// <summary>Asks the device to deliver frames for an Ethernet multicast address (a receive filter).</summary>
        bool TryJoinMulticast(MacAddress group);
    }
}
