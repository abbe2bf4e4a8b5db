namespace UefiRecovery.Efi.Services.Config;

/// <summary>The OEM-string keys the app understands (README "Self-test protocol").</summary>
internal static class SmbiosOemKeys
{
    /// <summary>"selftest" runs the runtime self-test; absent means normal operation.</summary>
    public static ReadOnlySpan<byte> Mode => "uefirecovery.mode="u8;

    /// <summary>Which deliberately failing self-test check to run (bounds, null, ...).</summary>
    public static ReadOnlySpan<byte> SelfTestFailFast => "uefirecovery.selftest.failfast="u8;

    /// <summary>"1": end by writing to QEMU's isa-debug-exit port instead of returning or powering off.</summary>
    public static ReadOnlySpan<byte> DebugExit => "uefirecovery.debugexit="u8;
}
