namespace UefiRecovery.Efi.Services.Network;

/// <summary>
/// Milliseconds since <see cref="Start"/>, for netstack's <c>Poll(now)</c>: the firmware's 10 ms tick count
/// (<see cref="UefiTickTimer"/>), which may run slow, never fast: timeouts end late, not early.
/// <see cref="WaitForTick"/> halts the CPU until the next tick, so poll loops do not spin.
/// </summary>
internal static class MonotonicClock
{
    /// <summary>The tick period: OVMF's timer interrupt runs at 100 Hz, so finer periods buy nothing.</summary>
    public const int TickMilliseconds = 10;

    public static bool IsRunning => UefiTickTimer.IsRunning;

    public static Instant Now => new Instant(UefiTickTimer.Milliseconds);

    /// <summary>Creates and arms the timers. False (clock stays at 0) if the firmware refuses.</summary>
    public static bool Start(UefiBootServices boot) => UefiTickTimer.Start(boot, TickMilliseconds);

    /// <summary>Sleeps until the next tick; a 1 ms Stall if no wait timer exists.</summary>
    public static void WaitForTick() => UefiTickTimer.WaitForTick();

    public static void Stop() => UefiTickTimer.Stop();
}
