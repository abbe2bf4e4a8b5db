namespace UefiRecovery.Efi.Services.Network;

/// <summary>What the SNP adapter saw below netstack (its own counters live in InterfaceCounters).</summary>
internal sealed class SnpCounters
{
    public long FramesReceived;
    /// <summary>Destination neither our MAC, broadcast, nor a joined group: dropped in software.</summary>
    public long ReceivedNotForUs;
    /// <summary>Shorter than an Ethernet header, or longer than the driver was given.</summary>
    public long ReceivedMalformed;
    /// <summary>Receive said EFI_BUFFER_TOO_SMALL (the driver dropped the frame).</summary>
    public long ReceivedTooLarge;
    public long ReceiveErrors;
    public long FramesSent;
    /// <summary>TryBeginTransmit found all TX buffers still owned by the driver.</summary>
    public long TransmitNoBuffer;
    /// <summary>Transmit failed (queue full twice, or an error): the frame was dropped.</summary>
    public long TransmitDropped;
    public long BuffersRecycled;
    /// <summary>GetStatus returned an address that is not one of our TX buffers (a driver bug).</summary>
    public long UnknownRecycled;
    /// <summary>Times the NIC was brought back to Initialized after NOT_STARTED / DEVICE_ERROR.</summary>
    public long Reinitializations;
}
