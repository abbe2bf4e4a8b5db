using System;
using System.Globalization;
using System.Text.RegularExpressions;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// When the recovery's milestones reached the host's serial reader (seconds since QEMU started): the app's
/// banner, OFFER, the receiving phase, the full progress bar, VERIFIED, and the successful WRITE line
/// (flash erased, written and read back). Serial output is slow under TCG, so these are a few ms late.
/// </summary>
public sealed record SerialTimeline(double? AppStart, double? Offer, double? Receiving, double? AllFragments, double? Verified, double? Written, bool Done)
{
    public static SerialTimeline From(SerialLog serial) => new(
        At(serial, EfiAppConsole.Banner),
        At(serial, new Regex(@"^RECOVERY OFFER ")),
        At(serial, new Regex(@"^RECOVERY PHASE receiving$")),
        At(serial, new Regex(@"^RECOVERY PROGRESS bytes=(\d+) of \1 ")),
        At(serial, new Regex(@"^RECOVERY VERIFIED ")),
        At(serial, new Regex(@"^RECOVERY WRITE recovery=recovered result=success ")),
        serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")) != null);

    /// <summary>"app start -> flash written 11.9 s (...)", or what is missing.</summary>
    public string Describe()
    {
        if (AppStart == null || Written == null)
        {
            return "app start -> flash written: not measured (" + (AppStart == null ? "no banner" : "no successful RECOVERY WRITE") + ")";
        }
        return string.Format(CultureInfo.InvariantCulture,
            "app start -> flash written {0:F2} s (app start -> OFFER {1}, OFFER -> receiving {2} (gather window), -> all fragments {3}, -> VERIFIED {4}, erase/write/read-back {5})",
            Written - AppStart, Span(AppStart, Offer), Span(Offer, Receiving), Span(Receiving, AllFragments), Span(AllFragments, Verified), Span(Verified, Written));
    }

    private static string Span(double? from, double? to) =>
        from == null || to == null ? "?" : string.Format(CultureInfo.InvariantCulture, "{0:F2} s", to - from);

    private static double? At(SerialLog serial, Regex pattern) => serial.Find(pattern)?.Elapsed.TotalSeconds;
}
