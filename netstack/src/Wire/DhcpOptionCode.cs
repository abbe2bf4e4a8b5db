namespace UefiRecovery.Netstack.Wire
{
    /// <summary>DHCP option codes used by the client (RFC 2132).</summary>
    public static class DhcpOptionCode
    {
        public const byte Pad = 0;
        public const byte SubnetMask = 1;
        public const byte Router = 3;
        /// <summary>Vendor-specific information, RFC 2132 §8.4; carries the recovery manager's address.</summary>
        public const byte VendorSpecific = 43;
        public const byte RequestedAddress = 50;
        public const byte LeaseTime = 51;
        public const byte MessageType = 53;
        public const byte ServerIdentifier = 54;
        public const byte ParameterRequestList = 55;
        public const byte MaximumMessageSize = 57;
        public const byte RenewalTime = 58;
        public const byte RebindingTime = 59;
        public const byte VendorClassIdentifier = 60;
        public const byte ClientIdentifier = 61;
        public const byte End = 255;

        /// <summary>Our sub-option inside option 43: the recovery manager's IPv4 address (4 bytes).</summary>
        public const byte VendorManagerAddress = 1;
        /// <summary>Our sub-option inside option 43: the recovery manager's UDP port (2 bytes, network order).</summary>
        public const byte VendorManagerPort = 2;
    }
}
