using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>What an <see cref="IImageVerifier"/> decided about a complete image.</summary>
public readonly struct ImageVerdict
{
    private ImageVerdict(bool accepted, ResultReason reason, uint imageVersion)
    {
        IsAccepted = accepted;
        Reason = reason;
        ImageVersion = imageVersion;
    }

    public bool IsAccepted { get; }

    /// <summary>Why it was rejected (<see cref="ResultReason.None"/> when accepted).</summary>
    public ResultReason Reason { get; }

    /// <summary>The version found inside the image (reported in RESULT).</summary>
    public uint ImageVersion { get; }

    public static ImageVerdict Accept(uint imageVersion)
    {
        return new ImageVerdict(true, ResultReason.None, imageVersion);
    }

    public static ImageVerdict Reject(ResultReason reason)
    {
        return new ImageVerdict(false, reason == ResultReason.None ? ResultReason.Other : reason, 0);
    }
}
