using System;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// The fleet model's time: it stands still while engines run and jumps to the next event. A <see cref="TimeProvider"/>,
/// so the donor's real <see cref="Serving.Pacing.TokenBucket"/> paces on it.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    public TimeSpan Now { get; private set; }

    /// <summary>Moves to <paramref name="time"/>; time never goes back.</summary>
    public void AdvanceTo(TimeSpan time)
    {
        if (time > Now) Now = time;
    }

    public override long GetTimestamp() => Now.Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
