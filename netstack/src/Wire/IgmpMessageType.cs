namespace UefiRecovery.Netstack.Wire
{
    /// <summary>IGMP message types (RFC 2236 §2.1). Other values are kept as the raw number.</summary>
    public enum IgmpMessageType : byte
    {
        MembershipQuery = 0x11,
        MembershipReportV1 = 0x12,
        MembershipReportV2 = 0x16,
        LeaveGroup = 0x17,
    }
}
