namespace UefiRecovery.Netstack.Socket
{
    /// <summary>Outcome of a UDP socket send or receive call.</summary>
    public enum UdpStatus : byte
    {
        Ok = 0,
        /// <summary>Receive: no datagram is queued.</summary>
        Empty,
        /// <summary>Send: every transmit slot holds a datagram not yet sent.</summary>
        QueueFull,
        /// <summary>Send: payload larger than the socket's slots; receive: caller's buffer too small (datagram stays queued).</summary>
        TooLarge,
        /// <summary>Send: destination address unspecified or port 0.</summary>
        InvalidDestination,
    }
}
