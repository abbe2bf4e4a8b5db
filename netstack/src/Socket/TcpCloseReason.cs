namespace UefiRecovery.Netstack.Socket
{
    /// <summary>Why a connection ended (<see cref="TcpSocket.CloseReason"/>); None while it is open or was never opened.</summary>
    public enum TcpCloseReason : byte
    {
        None = 0,
        /// <summary>Both sides sent FIN and both FINs were acknowledged.</summary>
        Finished,
        /// <summary>The peer answered our SYN with an acceptable RST (nothing listening).</summary>
        Refused,
        /// <summary>An acceptable RST (sequence number exactly RCV.NXT, RFC 5961 §3) after the handshake.</summary>
        Reset,
        /// <summary>Our SYN, data or FIN was retransmitted <see cref="TcpConfig.MaxRetransmissions"/> times without an ACK.</summary>
        TimedOut,
        /// <summary>The application called <see cref="TcpSocket.Abort"/>; a RST went to the peer.</summary>
        Aborted,
    }
}
