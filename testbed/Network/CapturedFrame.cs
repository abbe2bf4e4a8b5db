namespace UefiRecovery.Testbed.Network;

/// <summary>
/// One record of a pcap file: when the capturing kernel saw the frame (microseconds since the Unix
/// epoch, the host's clock), the captured bytes (at most the snap length) and the frame's real length.
/// </summary>
public sealed record CapturedFrame(long TimestampMicroseconds, byte[] Data, int OriginalLength)
{
    public double Seconds => TimestampMicroseconds / 1e6;
}
