using System.Runtime.InteropServices;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// A firmware tick count for the app's clock. UEFI has no clock read call with sub-second resolution
/// (GetTime is the RTC), so a periodic timer event (UEFI 2.10 §7.1, EVT_TIMER | EVT_NOTIFY_SIGNAL at
/// TPL_CALLBACK) counts ticks in its notification function. A tick whose notification is delayed past the
/// next one is lost, so the count may run slow, never fast. A second, plain periodic timer is what
/// <see cref="WaitForTick"/> waits on, so a poll loop halts the CPU between ticks instead of spinning.
/// One per image (the notification function has no object): static.
/// </summary>
public static unsafe class UefiTickTimer
{
    private static long s_ticks;
    private static long s_periodMs;
    private static void* s_tickEvent;
    private static void* s_waitEvent;
    private static UefiBootServices s_boot;

    public static bool IsRunning => s_tickEvent != null;

    /// <summary>Ticks counted since <see cref="Start"/>.</summary>
    public static long Ticks => s_ticks;

    /// <summary>Ticks times the period: milliseconds since <see cref="Start"/> (0 before it).</summary>
    public static long Milliseconds => s_ticks * s_periodMs;

    /// <summary>Creates and arms both timers. False (the count stays 0) if the firmware refuses the tick timer.</summary>
    public static bool Start(UefiBootServices boot, int periodMs)
    {
        if (s_tickEvent != null)
            return true;
        s_boot = boot;
        BootServices* raw = boot.Raw;
        ulong periodIn100ns = (ulong)periodMs * 10_000;
        void* tick = null;
        if (raw->CreateEvent(EventType.Timer | EventType.NotifySignal, TaskPriorityLevel.Callback, &OnTick, null, &tick).IsError)
            return false;
        if (raw->SetTimer(tick, TimerDelay.Periodic, periodIn100ns).IsError)
        {
            raw->CloseEvent(tick);
            return false;
        }
        void* wait = null;
        if (raw->CreateEvent(EventType.Timer, 0, null, null, &wait).IsError ||
            raw->SetTimer(wait, TimerDelay.Periodic, periodIn100ns).IsError)
        {
            if (wait != null)
                raw->CloseEvent(wait);
            wait = null;
        }
        s_periodMs = periodMs;
        s_tickEvent = tick;
        s_waitEvent = wait;
        return true;
    }

    /// <summary>Sleeps until the next tick (WaitForEvent halts the CPU); a 1 ms Stall if there is no wait timer.</summary>
    public static void WaitForTick()
    {
        if (s_waitEvent == null)
        {
            if (s_boot.Raw != null)
                s_boot.Stall(1000);
            return;
        }
        void* evt = s_waitEvent;
        nuint index = 0;
        s_boot.Raw->WaitForEvent(1, &evt, &index);
    }

    /// <summary>Cancels and closes both timers; the count stays where it is.</summary>
    public static void Stop()
    {
        if (s_tickEvent == null)
            return;
        BootServices* raw = s_boot.Raw;
        raw->SetTimer(s_tickEvent, TimerDelay.Cancel, 0);
        raw->CloseEvent(s_tickEvent);
        s_tickEvent = null;
        if (s_waitEvent != null)
        {
            raw->SetTimer(s_waitEvent, TimerDelay.Cancel, 0);
            raw->CloseEvent(s_waitEvent);
            s_waitEvent = null;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnTick(void* evt, void* context)
    {
        s_ticks++;
    }
}
