#if PORTABLE_CORE
using UefiRecovery.Core.Image.Pkcs7;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// The EDK2-made capsule vectors verified by the portable CapsuleVerifier inside the firmware (signed-images
/// point 5): rsa2048 A/B accepted, C (tampered) and D (untrusted key) rejected, with the EDK2 test key hash as
/// the trust store; pkcs7 A/B accepted, C and D rejected, with TestRoot.cer as the trusted root. The files come
/// from the ESP (copied there by the qemu-tests side at run time); expected verdicts are the vectors' README's.
/// Also times the verification of B (the 528 KiB OVMF_VARS payload) with the 10 ms firmware timer.
/// </summary>
internal static class CapsuleChecks
{
    /// <summary>The folder on the ESP; short 8.3 names so any FAT driver finds them.</summary>
    public const string Folder = "\\CORETEST\\";

    // The capsules' UpdateImageTypeId (vectors README, "Common parameters"), index 1, LSV 0x00010000.
    private static EfiGuid VectorImageType => new EfiGuid(0x6E3C1A1B, 0x3F4D, 0x4F0E, 0x9C, 0x64, 0x2A, 0x5D, 0x8B, 0x1F, 0x7E, 0x10);

    private const int CapsuleBufferBytes = 1024 * 1024;

    /// <summary>Extra timed verifications of each B capsule (the figure).</summary>
    private const int TimedRepeats = 5;

    public static void Run(CoreTestReport report, EspFileReader? esp, UefiBootServices boot, UefiRuntimeServices runtime)
    {
        report.Check("esp.open", esp != null);
        if (esp == null)
            return;

        TrustStore rsaTrust = new TrustStore(2, 0, 0);
        TrustStore pkcs7Trust = new TrustStore(0, 2, 4096);
        byte[] buffer = new byte[CapsuleBufferBytes];

        int keyHashLength = esp.TryReadAll(Folder + "TESTKEY.BIN", buffer);
        report.Check("trust.rsa2048.testkey-hash-loaded", keyHashLength == 32 && rsaTrust.TryAddKeyHash(new ReadOnlySpan<byte>(buffer, 0, 32)));
        int rootLength = esp.TryReadAll(Folder + "ROOT.CER", buffer);
        report.Check("trust.pkcs7.testroot-loaded", rootLength > 0 && pkcs7Trust.TryAddRootCertificate(new ReadOnlySpan<byte>(buffer, 0, rootLength)));

        UpdateTarget target = new UpdateTarget(VectorImageType, 1, 0, 0x00010000, 0x00010000, CapsuleBufferBytes);
        CapsuleVerifier rsaVerifier = new CapsuleVerifier(rsaTrust);
        CapsuleVerifier pkcs7Verifier = new CapsuleVerifier(pkcs7Trust);
        MonotonicClock.Start(boot);

        Verify(report, esp, buffer, rsaVerifier, target, boot, runtime, new CapsuleExpectation("capsule.rsa2048.A", Folder + "RSA-A.CAP", CapsuleStatus.Ok, "Ok", Pkcs7Failure.None, ""));
        Verify(report, esp, buffer, rsaVerifier, target, boot, runtime, new CapsuleExpectation("capsule.rsa2048.B", Folder + "RSA-B.CAP", CapsuleStatus.Ok, "Ok", Pkcs7Failure.None, "", TimedRepeats));
        Verify(report, esp, buffer, rsaVerifier, target, boot, runtime, new CapsuleExpectation("capsule.rsa2048.C", Folder + "RSA-C.CAP", CapsuleStatus.SignatureInvalid, "SignatureInvalid", Pkcs7Failure.None, ""));
        Verify(report, esp, buffer, rsaVerifier, target, boot, runtime, new CapsuleExpectation("capsule.rsa2048.D", Folder + "RSA-D.CAP", CapsuleStatus.PublicKeyNotTrusted, "PublicKeyNotTrusted", Pkcs7Failure.None, ""));
        Verify(report, esp, buffer, pkcs7Verifier, target, boot, runtime, new CapsuleExpectation("capsule.pkcs7.A", Folder + "P7-A.CAP", CapsuleStatus.Ok, "Ok", Pkcs7Failure.None, ""));
        Verify(report, esp, buffer, pkcs7Verifier, target, boot, runtime, new CapsuleExpectation("capsule.pkcs7.B", Folder + "P7-B.CAP", CapsuleStatus.Ok, "Ok", Pkcs7Failure.None, "", TimedRepeats));
        Verify(report, esp, buffer, pkcs7Verifier, target, boot, runtime, new CapsuleExpectation("capsule.pkcs7.C", Folder + "P7-C.CAP", CapsuleStatus.Pkcs7VerificationFailed, "Pkcs7VerificationFailed", Pkcs7Failure.ContentDigestMismatch, "ContentDigestMismatch"));
        Verify(report, esp, buffer, pkcs7Verifier, target, boot, runtime, new CapsuleExpectation("capsule.pkcs7.D", Folder + "P7-D.CAP", CapsuleStatus.Pkcs7VerificationFailed, "Pkcs7VerificationFailed", Pkcs7Failure.UntrustedRoot, "UntrustedRoot"));

        // The RSA store must not accept a PKCS7 capsule, nor the PKCS7 store an RSA one (no trust leaks across kinds).
        int length = esp.TryReadAll(Folder + "P7-A.CAP", buffer);
        CapsuleVerdict crossed = rsaVerifier.Verify(new ReadOnlySpan<byte>(buffer, 0, length < 0 ? 0 : length), target, out _);
        report.Check("capsule.pkcs7.A rejected-by-rsa-only-store", length > 0 && crossed.Status == CapsuleStatus.Pkcs7NoTrustedRoot);
        length = esp.TryReadAll(Folder + "RSA-A.CAP", buffer);
        crossed = pkcs7Verifier.Verify(new ReadOnlySpan<byte>(buffer, 0, length < 0 ? 0 : length), target, out _);
        report.Check("capsule.rsa2048.A rejected-by-pkcs7-only-store", length > 0 && crossed.Status == CapsuleStatus.PublicKeyNotTrusted);
    }

    private static void Verify(CoreTestReport report, EspFileReader esp, byte[] buffer, CapsuleVerifier verifier,
        in UpdateTarget target, UefiBootServices boot, UefiRuntimeServices runtime, in CapsuleExpectation expected)
    {
        int length = esp.TryReadAll(expected.EspPath, buffer);
        if (length <= 0)
        {
            report.Check(expected.CheckName, false, "file not readable from the ESP");
            return;
        }
        ReadOnlySpan<byte> file = new ReadOnlySpan<byte>(buffer, 0, length);

        Time before = runtime.GetTime().TryGetValue(out Time start) ? start : default;
        long startTicks = MonotonicClock.Now.Milliseconds;
        CapsuleVerdict verdict = verifier.Verify(file, target, out _);
        long elapsedMs = MonotonicClock.Now.Milliseconds - startTicks;
        Time after = runtime.GetTime().TryGetValue(out Time end) ? end : default;

        bool ok = verdict.Status == expected.Status
            && (expected.Pkcs7Failure == Pkcs7Failure.None || (verdict.Pkcs7Checked && verdict.Pkcs7Result.Failure == expected.Pkcs7Failure));
        Span<char> detail = stackalloc char[120];
        ConsoleLine text = new ConsoleLine(detail);
        if (ok && expected.ExpectsAccept)
        {
            text.Append("accepted");
        }
        else if (ok)
        {
            text.Append("rejected reason=").AppendDecimal((ulong)verdict.Code).Append(" ").Append(expected.StatusName);
            if (expected.Pkcs7Failure != Pkcs7Failure.None)
                text.Append(" pkcs7=").Append(expected.Pkcs7FailureName);
        }
        else
        {
            text.Append("unexpected reason=").AppendDecimal((ulong)verdict.Code)
                .Append(" pkcs7=").AppendDecimal((ulong)(int)verdict.Pkcs7Result.Failure)
                .Append(" expected ").Append(expected.StatusName);
        }
        report.Check(expected.CheckName, ok, text.Text);

        // Figure: how long verifying this capsule took in firmware (B is the one the tests print).
        new ConsoleLine(stackalloc char[200]).Append("CORETEST TIME ").Append(expected.CheckName)
            .Append(" bytes=").AppendDecimal((ulong)length)
            .Append(" verify_ms=").AppendDecimal(elapsedMs)
            .Append(" clock=").Append(MonotonicClock.IsRunning ? "timer-10ms" : "none")
            .Append(" rtc_seconds=").AppendDecimal(RtcSeconds(after) - RtcSeconds(before))
            .Append(" rtc_nanosecond_field=").AppendDecimal((ulong)before.Nanosecond).Append(",").AppendDecimal((ulong)after.Nanosecond)
            .WriteLine(report.Console);

        if (expected.Repeats > 1)
            TimeRepeats(report, file, verifier, target, expected);
    }

    // At 10 ms resolution one run says little; the big capsules are verified again and min/max/total printed.
    private static void TimeRepeats(CoreTestReport report, ReadOnlySpan<byte> file, CapsuleVerifier verifier,
        in UpdateTarget target, in CapsuleExpectation expected)
    {
        long min = long.MaxValue;
        long max = 0;
        long total = 0;
        bool sameVerdict = true;
        for (int run = 0; run < expected.Repeats; run++)
        {
            long start = MonotonicClock.Now.Milliseconds;
            CapsuleVerdict verdict = verifier.Verify(file, target, out _);
            long elapsed = MonotonicClock.Now.Milliseconds - start;
            sameVerdict &= verdict.Status == expected.Status;
            total += elapsed;
            if (elapsed < min)
                min = elapsed;
            if (elapsed > max)
                max = elapsed;
        }
        new ConsoleLine(stackalloc char[200]).Append("CORETEST TIMES ").Append(expected.CheckName)
            .Append(" runs=").AppendDecimal((ulong)expected.Repeats)
            .Append(" min_ms=").AppendDecimal(min)
            .Append(" max_ms=").AppendDecimal(max)
            .Append(" total_ms=").AppendDecimal(total)
            .WriteLine(report.Console);
        report.Check(expected.CheckName, sameVerdict, "repeated-verdicts-stable");
    }

    // Seconds within the day (a verification crossing midnight would print a negative figure; only a figure).
    private static long RtcSeconds(in Time time) => time.Hour * 3600L + time.Minute * 60L + time.Second;
}
#endif
