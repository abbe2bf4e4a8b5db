using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>
    /// The DHCP fields and options the client uses. An absent address option is Unspecified, an
    /// absent time or port option is 0 (neither is a meaningful value for these options).
    /// </summary>
    public readonly struct DhcpRepr
    {
        /// <summary>BOOTP minimum message size that relays and old servers expect (RFC 1542 §3.1.1).</summary>
        public const int MinimumLength = 300;
        /// <summary>Our vendor class (option 60); a dnsmasq "vendor:UefiRecovery,..." rule matches it.</summary>
        public static ReadOnlySpan<byte> VendorClass => new byte[] { (byte)'U', (byte)'e', (byte)'f', (byte)'i', (byte)'R', (byte)'e', (byte)'c', (byte)'o', (byte)'v', (byte)'e', (byte)'r', (byte)'y' };
        /// <summary>What the client asks for (option 55).</summary>
        public static ReadOnlySpan<byte> ParameterRequestList => new byte[] { 1, 3, 51, 54, 58, 59, 43 };

        public DhcpRepr(DhcpMessageType messageType, bool isReply, uint transactionId, ushort seconds, bool broadcast,
            MacAddress clientHardwareAddress, Ipv4Address clientAddress, Ipv4Address yourAddress,
            Ipv4Address serverAddress, Ipv4Address relayAgentAddress,
            Ipv4Address serverIdentifier, Ipv4Address requestedAddress, Ipv4Address subnetMask, Ipv4Address router,
            uint leaseTime, uint renewalTime, uint rebindingTime,
            Ipv4Address managerAddress, ushort managerPort)
        {
            MessageType = messageType;
            IsReply = isReply;
            TransactionId = transactionId;
            Seconds = seconds;
            Broadcast = broadcast;
            ClientHardwareAddress = clientHardwareAddress;
            ClientAddress = clientAddress;
            YourAddress = yourAddress;
            ServerAddress = serverAddress;
            RelayAgentAddress = relayAgentAddress;
            ServerIdentifier = serverIdentifier;
            RequestedAddress = requestedAddress;
            SubnetMask = subnetMask;
            Router = router;
            LeaseTime = leaseTime;
            RenewalTime = renewalTime;
            RebindingTime = rebindingTime;
            ManagerAddress = managerAddress;
            ManagerPort = managerPort;
        }

        public DhcpMessageType MessageType { get; }
        /// <summary>BOOTREPLY (server to client) rather than BOOTREQUEST.</summary>
        public bool IsReply { get; }
        public uint TransactionId { get; }
        public ushort Seconds { get; }
        public bool Broadcast { get; }
        public MacAddress ClientHardwareAddress { get; }
        public Ipv4Address ClientAddress { get; }
        public Ipv4Address YourAddress { get; }
        public Ipv4Address ServerAddress { get; }
        public Ipv4Address RelayAgentAddress { get; }
        public Ipv4Address ServerIdentifier { get; }
        public Ipv4Address RequestedAddress { get; }
        public Ipv4Address SubnetMask { get; }
        public Ipv4Address Router { get; }
        /// <summary>Seconds; 0 when absent. 0xFFFFFFFF is "infinite" (RFC 2132 §9.2).</summary>
        public uint LeaseTime { get; }
        public uint RenewalTime { get; }
        public uint RebindingTime { get; }
        public Ipv4Address ManagerAddress { get; }
        public ushort ManagerPort { get; }

        /// <summary>A client message (BOOTREQUEST) with the fixed client options.</summary>
        public static DhcpRepr ClientMessage(DhcpMessageType type, uint transactionId, ushort seconds, bool broadcast,
            MacAddress mac, Ipv4Address clientAddress, Ipv4Address requestedAddress, Ipv4Address serverIdentifier)
        {
            return new DhcpRepr(type, false, transactionId, seconds, broadcast, mac, clientAddress,
                Ipv4Address.Unspecified, Ipv4Address.Unspecified, Ipv4Address.Unspecified,
                serverIdentifier, requestedAddress, Ipv4Address.Unspecified, Ipv4Address.Unspecified,
                0, 0, 0, Ipv4Address.Unspecified, 0);
        }

        public static PacketStatus Parse(in DhcpMessage message, out DhcpRepr repr)
        {
            repr = default;
            if (message.Cookie != DhcpMessage.MagicCookie) return PacketStatus.Unsupported;
            if (message.Op != DhcpMessage.OpRequest && message.Op != DhcpMessage.OpReply) return PacketStatus.BadValue;
            if (message.HardwareType != 1 || message.HardwareLength != MacAddress.Length) return PacketStatus.Unsupported;

            byte type = 0;
            Ipv4Address serverId = default, requested = default, mask = default, router = default, manager = default;
            uint lease = 0, renewal = 0, rebinding = 0;
            ushort managerPort = 0;
            var reader = new DhcpOptionReader(message.Options);
            while (reader.TryNext(out byte code, out ReadOnlySpan<byte> data))
            {
                switch (code)
                {
                    case DhcpOptionCode.MessageType:
                        if (data.Length != 1) return PacketStatus.Malformed;
                        type = data[0];
                        break;
                    case DhcpOptionCode.ServerIdentifier:
                        if (data.Length != 4) return PacketStatus.Malformed;
                        serverId = Ipv4Address.Read(data);
                        break;
                    case DhcpOptionCode.RequestedAddress:
                        if (data.Length != 4) return PacketStatus.Malformed;
                        requested = Ipv4Address.Read(data);
                        break;
                    case DhcpOptionCode.SubnetMask:
                        if (data.Length != 4) return PacketStatus.Malformed;
                        mask = Ipv4Address.Read(data);
                        break;
                    case DhcpOptionCode.Router:
                        // A list of routers in order of preference (RFC 2132 §3.5); the first is used.
                        if (data.Length < 4 || (data.Length & 3) != 0) return PacketStatus.Malformed;
                        router = Ipv4Address.Read(data);
                        break;
                    case DhcpOptionCode.LeaseTime:
                        if (data.Length != 4) return PacketStatus.Malformed;
                        lease = BinaryPrimitives.ReadUInt32BigEndian(data);
                        break;
                    case DhcpOptionCode.RenewalTime:
                        if (data.Length != 4) return PacketStatus.Malformed;
                        renewal = BinaryPrimitives.ReadUInt32BigEndian(data);
                        break;
                    case DhcpOptionCode.RebindingTime:
                        if (data.Length != 4) return PacketStatus.Malformed;
                        rebinding = BinaryPrimitives.ReadUInt32BigEndian(data);
                        break;
                    case DhcpOptionCode.VendorSpecific:
                        if (!TryParseVendor(data, ref manager, ref managerPort)) return PacketStatus.Malformed;
                        break;
                }
            }
            if (reader.IsMalformed) return PacketStatus.Malformed;
            // No option 53: a plain BOOTP message, which this client does not speak.
            if (type < (byte)DhcpMessageType.Discover || type > (byte)DhcpMessageType.Inform) return PacketStatus.Unsupported;

            repr = new DhcpRepr((DhcpMessageType)type, message.Op == DhcpMessage.OpReply, message.TransactionId,
                message.Seconds, (message.Flags & DhcpMessage.BroadcastFlag) != 0,
                MacAddress.Read(message.ClientHardwareField), message.ClientAddress, message.YourAddress,
                message.ServerAddress, message.RelayAgentAddress, serverId, requested, mask, router,
                lease, renewal, rebinding, manager, managerPort);
            return PacketStatus.Ok;
        }

        /// <summary>Our sub-options inside option 43 (RFC 2132 §8.4 encapsulation); unknown ones are skipped.</summary>
        private static bool TryParseVendor(ReadOnlySpan<byte> data, ref Ipv4Address manager, ref ushort port)
        {
            var sub = new DhcpOptionReader(data);
            while (sub.TryNext(out byte code, out ReadOnlySpan<byte> value))
            {
                if (code == DhcpOptionCode.VendorManagerAddress)
                {
                    if (value.Length != 4) return false;
                    manager = Ipv4Address.Read(value);
                }
                else if (code == DhcpOptionCode.VendorManagerPort)
                {
                    if (value.Length != 2) return false;
                    port = BinaryPrimitives.ReadUInt16BigEndian(value);
                }
            }
            return !sub.IsMalformed;
        }

        private int OptionsLength
        {
            get
            {
                int n = 3 + 1; // message type + End
                if (!IsReply) n += 9 + 2 + ParameterRequestList.Length + 2 + VendorClass.Length + 4; // 61, 55, 60, 57
                if (!ServerIdentifier.IsUnspecified) n += 6;
                if (!RequestedAddress.IsUnspecified) n += 6;
                if (!SubnetMask.IsUnspecified) n += 6;
                if (!Router.IsUnspecified) n += 6;
                if (LeaseTime != 0) n += 6;
                if (RenewalTime != 0) n += 6;
                if (RebindingTime != 0) n += 6;
                int vendor = VendorLength;
                if (vendor != 0) n += 2 + vendor;
                return n;
            }
        }

        private int VendorLength => (ManagerAddress.IsUnspecified ? 0 : 6) + (ManagerPort == 0 ? 0 : 4);

        public int BufferLength => Math.Max(MinimumLength, DhcpMessage.OptionsOffset + OptionsLength);

        /// <summary>Writes exactly <see cref="BufferLength"/> bytes; the unused tail is zero (Pad).</summary>
        public void Emit(Span<byte> buffer)
        {
            Span<byte> b = buffer.Slice(0, BufferLength);
            b.Clear();
            b[0] = IsReply ? DhcpMessage.OpReply : DhcpMessage.OpRequest;
            b[1] = 1;
            b[2] = MacAddress.Length;
            BinaryPrimitives.WriteUInt32BigEndian(b.Slice(4), TransactionId);
            BinaryPrimitives.WriteUInt16BigEndian(b.Slice(8), Seconds);
            BinaryPrimitives.WriteUInt16BigEndian(b.Slice(10), Broadcast ? DhcpMessage.BroadcastFlag : (ushort)0);
            ClientAddress.Write(b.Slice(12));
            YourAddress.Write(b.Slice(16));
            ServerAddress.Write(b.Slice(20));
            RelayAgentAddress.Write(b.Slice(24));
            ClientHardwareAddress.Write(b.Slice(28));
            BinaryPrimitives.WriteUInt32BigEndian(b.Slice(DhcpMessage.FixedLength), DhcpMessage.MagicCookie);

            int o = DhcpMessage.OptionsOffset;
            b[o++] = DhcpOptionCode.MessageType;
            b[o++] = 1;
            b[o++] = (byte)MessageType;
            if (!IsReply)
            {
                // Client identifier: hardware type 1 + MAC (RFC 2132 §9.14).
                b[o++] = DhcpOptionCode.ClientIdentifier;
                b[o++] = 7;
                b[o++] = 1;
                ClientHardwareAddress.Write(b.Slice(o));
                o += 6;
                b[o++] = DhcpOptionCode.ParameterRequestList;
                b[o++] = (byte)ParameterRequestList.Length;
                ParameterRequestList.CopyTo(b.Slice(o));
                o += ParameterRequestList.Length;
                b[o++] = DhcpOptionCode.VendorClassIdentifier;
                b[o++] = (byte)VendorClass.Length;
                VendorClass.CopyTo(b.Slice(o));
                o += VendorClass.Length;
                // We accept up to a full Ethernet MTU (RFC 2132 §9.10).
                b[o++] = DhcpOptionCode.MaximumMessageSize;
                b[o++] = 2;
                BinaryPrimitives.WriteUInt16BigEndian(b.Slice(o), 1500);
                o += 2;
            }
            o = WriteAddress(b, o, DhcpOptionCode.ServerIdentifier, ServerIdentifier);
            o = WriteAddress(b, o, DhcpOptionCode.RequestedAddress, RequestedAddress);
            o = WriteAddress(b, o, DhcpOptionCode.SubnetMask, SubnetMask);
            o = WriteAddress(b, o, DhcpOptionCode.Router, Router);
            o = WriteSeconds(b, o, DhcpOptionCode.LeaseTime, LeaseTime);
            o = WriteSeconds(b, o, DhcpOptionCode.RenewalTime, RenewalTime);
            o = WriteSeconds(b, o, DhcpOptionCode.RebindingTime, RebindingTime);
            int vendor = VendorLength;
            if (vendor != 0)
            {
                b[o++] = DhcpOptionCode.VendorSpecific;
                b[o++] = (byte)vendor;
                if (!ManagerAddress.IsUnspecified)
                {
                    b[o++] = DhcpOptionCode.VendorManagerAddress;
                    b[o++] = 4;
                    ManagerAddress.Write(b.Slice(o));
                    o += 4;
                }
                if (ManagerPort != 0)
                {
                    b[o++] = DhcpOptionCode.VendorManagerPort;
                    b[o++] = 2;
                    BinaryPrimitives.WriteUInt16BigEndian(b.Slice(o), ManagerPort);
                    o += 2;
                }
            }
            b[o] = DhcpOptionCode.End;
        }

        private static int WriteAddress(Span<byte> b, int o, byte code, Ipv4Address value)
        {
            if (value.IsUnspecified) return o;
            b[o] = code;
            b[o + 1] = 4;
            value.Write(b.Slice(o + 2));
            return o + 6;
        }

        private static int WriteSeconds(Span<byte> b, int o, byte code, uint value)
        {
            if (value == 0) return o;
            b[o] = code;
            b[o + 1] = 4;
            BinaryPrimitives.WriteUInt32BigEndian(b.Slice(o + 2), value);
            return o + 6;
        }
    }
}
