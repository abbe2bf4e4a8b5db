using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>The configuration a DHCP ACK gave us.</summary>
    public readonly struct DhcpLease
    {
        public DhcpLease(Ipv4Address address, Ipv4Address subnetMask, Ipv4Address router, Ipv4Address serverIdentifier,
            uint leaseSeconds, Ipv4Address managerAddress, ushort managerPort, Instant acquiredAt)
        {
            Address = address;
            SubnetMask = subnetMask;
            Router = router;
            ServerIdentifier = serverIdentifier;
            LeaseSeconds = leaseSeconds;
            ManagerAddress = managerAddress;
            ManagerPort = managerPort;
            AcquiredAt = acquiredAt;
        }

        public Ipv4Address Address { get; }
        public Ipv4Address SubnetMask { get; }
        /// <summary>Unspecified when the server named no router.</summary>
        public Ipv4Address Router { get; }
        public Ipv4Address ServerIdentifier { get; }
        public uint LeaseSeconds { get; }
        /// <summary>Recovery manager from option 43 sub-option 1; Unspecified when absent.</summary>
        public Ipv4Address ManagerAddress { get; }
        /// <summary>Recovery manager port from option 43 sub-option 2; 0 when absent.</summary>
        public ushort ManagerPort { get; }
        public Instant AcquiredAt { get; }
    }
}
