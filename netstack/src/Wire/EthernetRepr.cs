using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>The parsed Ethernet II header.</summary>
    public readonly struct EthernetRepr
    {
        public EthernetRepr(MacAddress destination, MacAddress source, EtherType etherType)
        {
            Destination = destination;
            Source = source;
            EtherType = etherType;
        }

        public MacAddress Destination { get; }
        public MacAddress Source { get; }
        public EtherType EtherType { get; }

        public int BufferLength => EthernetFrame.HeaderLength;

        public static EthernetRepr Parse(in EthernetFrame frame) => new EthernetRepr(frame.Destination, frame.Source, frame.EtherType);

        /// <summary>Writes the 14-byte header into the start of <paramref name="frame"/>.</summary>
        public void Emit(Span<byte> frame)
        {
            Destination.Write(frame.Slice(0, MacAddress.Length));
            Source.Write(frame.Slice(6, MacAddress.Length));
            BinaryPrimitives.WriteUInt16BigEndian(frame.Slice(12, 2), (ushort)EtherType);
        }
    }
}
