using System.Runtime.InteropServices;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Netstack;

namespace UefiRecovery.Efi.Services.Network;

/// <summary>
/// Milliseconds since <see cref="Start"/>, for netstack's <c>Poll(now)</c>. UEFI has no clock read
/// call with sub-second resolution (GetTime is the RTC), so a periodic timer event (UEFI 2.10 §7.1,
/// EVT_TIMER | EVT_NOTIFY_SIGNAL at TPL_CALLBACK) counts 10 ms ticks. A tick whose notification
/// is delayed past the next one is lost, so the clock may run slow, never fast: timeouts end late,
/// not early. Also provides an idle wait (a second, plain timer event) so the poll loop halts the
/// CPU between ticks instead of spinning.
/// </summary>
internal static unsafe class MonotonicClock
{
    /// <summary>The tick period: OVMF's timer interrupt runs at 100 Hz, so finer periods buy nothing.</summary>
    public const int TickMilliseconds = 10;

    private const ulong TickIn100ns = TickMilliseconds * 10_000;

    private static long s_ticks;
    private static void* s_tickEvent;
    private static void* s_waitEvent;
    private static BootServices* s_boot;

    public static bool IsRunning => s_tickEvent != null;

    public static Instant Now => new Instant(s_ticks * TickMilliseconds);

    /// <summary>Creates and arms the two timers. False (clock stays at 0) if the firmware refuses.</summary>
    public static bool Start(BootServices* boot)
    {
        if (s_tickEvent != null)
            return true;
        s_boot = boot;
        void* tick = null;
        if (boot->CreateEvent(EventType.Timer | EventType.NotifySignal, TaskPriorityLevel.Callback, &OnTick, null, &tick).IsError)
            return false;
        if (boot->SetTimer(tick, TimerDelay.Periodic, TickIn100ns).IsError)
        {
            boot->CloseEvent(tick);
            return false;
        }
        void* wait = null;
        if (boot->CreateEvent(EventType.Timer, 0, null, null, &wait).IsError ||
            boot->SetTimer(wait, TimerDelay.Periodic, TickIn100ns).IsError)
        {
            if (wait != null)
                boot->CloseEvent(wait);
            wait = null;
        }
        s_tickEvent = tick;
        s_waitEvent = wait;
        return true;
    }

    /// <summary>Sleeps until the next tick (WaitForEvent halts the CPU); a 1 ms Stall if no wait timer exists.</summary>
    public static void WaitForTick()
    {
        if (s_waitEvent == null)
        {
            if (s_boot != null)
                s_boot->Stall(1000);
            return;
        }
        void* evt = s_waitEvent;
        nuint index = 0;
        s_boot->WaitForEvent(1, &evt, &index);
    }

    public static void Stop()
    {
        if (s_tickEvent == null)
            return;
        s_boot->SetTimer(s_tickEvent, TimerDelay.Cancel, 0);
        s_boot->CloseEvent(s_tickEvent);
        s_tickEvent = null;
        if (s_waitEvent != null)
        {
            s_boot->SetTimer(s_waitEvent, TimerDelay.Cancel, 0);
            s_boot->CloseEvent(s_waitEvent);
            s_waitEvent = null;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnTick(void* evt, void* context)
    {
        s_ticks++;
    }
}
