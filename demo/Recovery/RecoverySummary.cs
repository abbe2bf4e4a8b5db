using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Recovery;

/// <summary>The closing summary: timings read from the VM's own console lines (QEMU-start relative), bytes, repair rounds, verdict, logs.</summary>
public static class RecoverySummary
{
    public static void Print(DemoContext context, bool succeeded)
    {
        RecoveryDemoState state = context.Recovery;
        IReadOnlyList<SerialLine> lines = state.RecoverySerial;
        SerialLine? offer = Find(lines, "^RECOVERY OFFER ");
        SerialLine? receiving = Find(lines, "^RECOVERY PHASE receiving");
        SerialLine? verifying = Find(lines, "^RECOVERY PHASE verifying");
        SerialLine? writing = Find(lines, "^RECOVERY PHASE writing");
        SerialLine? written = Find(lines, "^RECOVERY WRITE ");
        SerialLine? verified = Find(lines, "^RECOVERY VERIFIED ");
        SerialLine? done = Find(lines, "^RECOVERY DONE ");
        int repairs = 0;
        string statusRounds = "?";
        foreach (SerialLine line in lines)
        {
            repairs += line.Text.StartsWith("RECOVERY REPAIR ", StringComparison.Ordinal) ? 1 : 0;
            Match round = Regex.Match(line.Text, @"^RECOVERY PROGRESS .* round=(\d+) ");
            statusRounds = round.Success ? round.Groups[1].Value : statusRounds;
        }

        Console.WriteLine();
        Console.WriteLine("== Summary");
        Console.WriteLine("   network:        " + (state.Network?.Description ?? "not set up"));
        Console.WriteLine("   signing key:    " + (state.SigningKeyPath == null ? "none" : $"fresh demo RSA-2048 {state.SigningKeyPath} (modulus SHA-256 {state.TrustedKeyHash})"));
        SerialLine? banner = null;
        foreach (SerialLine line in lines)
        {
            banner ??= EfiAppConsole.Banner.IsMatch(line.Text) ? line : null;
        }
        // Firmware boot time under TCG depends on the host's load; the app's own part is the second figure.
        Console.WriteLine("   boot -> offer:  " + Seconds(offer?.Elapsed) + " (QEMU start -> app " + Seconds(banner?.Elapsed) + ", app -> offer " + Between(banner, offer) + ")");
        Console.WriteLine("   transfer:       " + Between(receiving, verifying) + Field(offer, "size", " bytes") + Field(offer, "fragments", " fragments"));
        Console.WriteLine("   verify:         " + Between(verifying, writing) + Field(verified, "payload", " payload bytes"));
        Console.WriteLine("   write:          " + Between(writing, written) + (written == null ? "" : "  (" + written.Text + ")"));
        Console.WriteLine($"   repair rounds:  {repairs} NACKing STATUS (last progress round={statusRounds})");
        Console.WriteLine("   VM verdict:     " + (done?.Text ?? "no RECOVERY DONE line"));
        Console.WriteLine("   host checks:    flash " + (state.RegionVerified ? "== payload" : "NOT verified") + ", manager result log "
            + (state.ResultLogged ? "success for " + QemuMachineOptions.DefaultMacAddress : "NO success"));
        Console.WriteLine("   next boot:      " + (state.SecondBootExit == null ? "not run" : state.SecondBootExit.Summary));
        Console.WriteLine("   logs:           " + context.RunDirectory + " (1-recover/serial.log, 2-next-boot/serial.log, results.jsonl, manager.log)");
        Console.WriteLine(succeeded ? "== RECOVERED and verified." : "== NOT recovered (see the FAILED step above).");
    }

    /// <summary>The first line matching <paramref name="pattern"/>, or null.</summary>
    internal static SerialLine? Find(IReadOnlyList<SerialLine> lines, string pattern)
    {
        var regex = new Regex(pattern);
        foreach (SerialLine line in lines)
        {
            if (regex.IsMatch(line.Text))
            {
                return line;
            }
        }
        return null;
    }

    private static string Seconds(TimeSpan? time) =>
        time == null ? "n/a" : time.Value.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    private static string Between(SerialLine? from, SerialLine? to) =>
        from == null || to == null ? "n/a" : Seconds(to.Elapsed - from.Elapsed);

    private static string Field(SerialLine? line, string name, string unit)
    {
        Match match = line == null ? Match.Empty : Regex.Match(line.Text, @"\b" + name + @"=(\S+)");
        return match.Success ? ", " + match.Groups[1].Value + unit : "";
    }
}
