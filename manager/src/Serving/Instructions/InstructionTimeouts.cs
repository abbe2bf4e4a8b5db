using System;
using System.Globalization;

namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>
/// How long an instruction may stay in each state before it is failed as timed out there
/// (serve --instruction-timeouts ack=30,ready=600,receiving=300,written=3600,back=600, seconds).
/// </summary>
public sealed record InstructionTimeouts
{
    /// <summary>Sent → the agent's report (it answers within a second; resends every 2 s cover a lost datagram).</summary>
    public TimeSpan Ack { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Acknowledged → READINESS: the reboot, the firmware's boot and the app's network start.</summary>
    public TimeSpan Ready { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Ready → the first REQUEST/ACCEPT.</summary>
    public TimeSpan Receiving { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Receiving → RESULT. The session itself drops a silent machine sooner (--client-timeout, and 600 s after
    /// COMPLETE without RESULT) and that fails the instruction at once; this bounds the rest.
    /// </summary>
    public TimeSpan Written { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Written → AGENT_REPORT running: the reset and the OS's boot.</summary>
    public TimeSpan Back { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The limit for <paramref name="state"/>, or null for an ended one.</summary>
    public TimeSpan? For(InstructionState state) => state switch
    {
        InstructionState.Sent => Ack,
        InstructionState.Acknowledged => Ready,
        InstructionState.Ready => Receiving,
        InstructionState.Receiving => Written,
        InstructionState.Written => Back,
        _ => null,
    };

    /// <summary>"ack=30,ready=600,receiving=300,written=3600,back=600" (any subset; seconds, 1..86400); null or empty gives the defaults.</summary>
    public static bool TryParse(string? text, out InstructionTimeouts timeouts, out string error)
    {
        timeouts = new InstructionTimeouts();
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=');
            if (equals <= 0 || !double.TryParse(part.AsSpan(equals + 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds)
                || seconds is < 0.1 or > 86400)
            {
                error = "--instruction-timeouts: '" + part + "' is not NAME=SECONDS (0.1..86400)";
                return false;
            }
            TimeSpan value = TimeSpan.FromSeconds(seconds);
            switch (part[..equals])
            {
                case "ack": timeouts = timeouts with { Ack = value }; break;
                case "ready": timeouts = timeouts with { Ready = value }; break;
                case "receiving": timeouts = timeouts with { Receiving = value }; break;
                case "written": timeouts = timeouts with { Written = value }; break;
                case "back": timeouts = timeouts with { Back = value }; break;
                default:
                    error = "--instruction-timeouts: unknown step '" + part[..equals] + "' (ack, ready, receiving, written, back)";
                    return false;
            }
        }
        return true;
    }
}
