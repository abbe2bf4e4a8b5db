#if PORTABLE_CORE
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Image;
using UefiRecovery.Efi.Services.Network;

namespace UefiRecovery.Efi.Services.Config;

/// <summary>
/// The app's one resolution of its configuration (issues #6 and #10, docs/config.md), done once at start-up
/// before the mode is chosen. Sources in priority order, the first that sets a key keeps it; the sources the
/// running OS can write come after every source it cannot (<see cref="ConfigSourceRank"/>):
///   1. the EFI variable UefiRecoveryConfig (<see cref="ConfigVariable"/>) without RUNTIME_ACCESS (set before the OS),
///   2. SMBIOS type 11 OEM strings (<see cref="SmbiosConfigSource"/>),
///   3. the BMC's OEM system info parameter C0h over IPMI KCS (<see cref="BmcConfigSource"/>),
///   4. the DHCP vendor option (manager only; applied by the network code once a lease exists),
///   5. the same variable when it has RUNTIME_ACCESS (the OS can write it: no protected key, no mode=recover),
///   6. <c>uefirecovery.cfg</c> next to the app on the ESP (<see cref="EspConfigFile"/>; likewise),
///   7. the built-in defaults.
/// Every applied, overridden or rejected entry is printed (<see cref="ConsoleConfigReport"/>), then
///   CONFIG DONE mode=&lt;mode&gt; source=&lt;source&gt; rejected=N
/// A source that cannot be read is reported and skipped; a bad value leaves the key to the next source.
/// </summary>
internal static class ConfigResolution
{

    // Root certificates (DER) whose file matched its pin, read once at resolution.
    private static byte[]? s_certificatePool;
    private static readonly int[] s_certificateLengths = new int[RecoveryTargetConfig.MaxRootCertificates];

    /// <summary>Root certificates that passed their pin (<c>uefirecovery.trust.x509</c>).</summary>
    public static int RootCertificateCount { get; private set; }

    /// <summary>The index-th pinned root certificate (DER); empty when out of range.</summary>
    public static ReadOnlySpan<byte> GetRootCertificate(int index) =>
        s_certificatePool == null || index < 0 || index >= RootCertificateCount ? default
            : new ReadOnlySpan<byte>(s_certificatePool, index * RecoveryTargetConfig.MaxCertificateBytes, s_certificateLengths[index]);

    /// <summary>Bytes a <see cref="TrustStore"/> needs to hold every pinned root certificate.</summary>
    public const int RootCertificatePoolBytes = RecoveryTargetConfig.MaxRootCertificates * RecoveryTargetConfig.MaxCertificateBytes;

    /// <summary>Adds the pinned root certificates to <paramref name="trust"/>; false when one did not fit.</summary>
    public static bool AddRootCertificatesTo(TrustStore trust)
    {
        bool all = true;
        for (int i = 0; i < RootCertificateCount; i++)
            all &= trust.TryAddRootCertificate(GetRootCertificate(i));
        return all;
    }

    public static RecoveryConfig Resolve(UefiSystemTable system)
    {
        UefiConsole console = system.ConsoleOut;
        var config = new RecoveryConfig();
        var report = new ConsoleConfigReport(console, config);
        byte[] data = new byte[ConfigTextSource.MaxBytes + 1];

        // The variable is read first; its attributes decide whether it ranks above SMBIOS or below it.
        int variableSize = ReadVariable(system.RuntimeServices, console, report, data, out uint attributes);
        bool variableOsWritable = (attributes & VariableAttributes.RuntimeAccess) != 0;
        if (variableSize >= 0 && !variableOsWritable)
            ApplyVariable(console, config, report, data, variableSize, attributes);
        SmbiosConfigSource.ApplyLayer(system, config, report);
        BmcConfigSource.ApplyLayer(system, config, report);
        if (variableSize >= 0 && variableOsWritable)
            ApplyVariable(console, config, report, data, variableSize, attributes);
        ApplyEspFile(system.BootServices, console, config, report, data);

        LoadRootCertificates(system.BootServices, console, config.Target, report);

        Span<char> line = stackalloc char[200];
        if (config.DebugLog)
        {
            // uefirecovery.log=debug: also name every key no source set, so the defaults in force are visible.
            for (ConfigKey key = ConfigKey.Mode; key <= ConfigKeyNames.LastKey; key++)
            {
                if (config.SourceOf(key) == ConfigSource.None)
                    new ConsoleLine(line).Append("CONFIG default ").Append(ConfigKeyNames.Name(key).AsSpan(ConfigKeyNames.Prefix.Length)).WriteLine(console);
            }
        }
        if (!config.TryValidate(out string invalid))
        {
            report.CombinationRejected(invalid);
        }
        new ConsoleLine(line).Append("CONFIG DONE mode=").Append(ModeName(config.Mode)).Append(" source=")
            .Append(ConfigSourceNames.Name(config.SourceOf(ConfigKey.Mode))).Append(" rejected=").AppendDecimal((ulong)report.Rejected)
            .WriteLine(console);

        return config;
    }

    public static string ModeName(RecoveryMode mode) => mode switch
    {
        RecoveryMode.SelfTest => "selftest",
        RecoveryMode.NetDiag => "netdiag",
        RecoveryMode.Recover => "recover",
        RecoveryMode.Auto => "auto",
        RecoveryMode.CoreTest => "coretest",
        RecoveryMode.FvbCheck => "fvbcheck",
        RecoveryMode.StageToBmc => "stage-to-bmc",
        _ => "none",
    };

    // uefirecovery.trust.x509: each file from the app's volume, trusted only when its SHA-256 is the pin.
    private static void LoadRootCertificates(UefiBootServices services, UefiConsole console, RecoveryTargetConfig target, ConsoleConfigReport report)
    {
        if (target.RootCertificateCount == 0)
            return;
        s_certificatePool = new byte[RootCertificatePoolBytes];
        byte[] data = new byte[RecoveryTargetConfig.MaxCertificateBytes + 1];
        Span<char> path = stackalloc char[RecoveryTargetConfig.MaxCertificatePathLength + 1];
        for (int i = 0; i < target.RootCertificateCount; i++)
        {
            ReadOnlySpan<char> configured = target.GetRootCertificatePath(i);
            configured.CopyTo(path);
            path[configured.Length] = '\0';
            EspFileStatus status = EspConfigFile.ReadFile(services, path.Slice(0, configured.Length + 1), data,
                RecoveryTargetConfig.MaxCertificateBytes, out int size, out _);
            string problem = status switch
            {
                EspFileStatus.Read => PinnedCertificate.Matches(new ReadOnlySpan<byte>(data, 0, size), target.GetRootCertificateHash(i))
                    ? "" : "sha256 of the file differs from the pin",
                EspFileStatus.Absent => "file absent",
                EspFileStatus.TooLarge => "larger than 4096 bytes",
                EspFileStatus.NoVolume => "no file system on the app's volume",
                _ => "open or read failed",
            };
            if (problem.Length != 0)
            {
                report.CertificateRejected(configured, problem);
                continue;
            }
            new ReadOnlySpan<byte>(data, 0, size).CopyTo(new Span<byte>(s_certificatePool, RootCertificateCount * RecoveryTargetConfig.MaxCertificateBytes,
                RecoveryTargetConfig.MaxCertificateBytes));
            s_certificateLengths[RootCertificateCount] = size;
            RootCertificateCount++;
            new ConsoleLine(stackalloc char[200]).Append("CONFIG trust.x509 path=").Append(configured).Append(" bytes=").AppendDecimal((ulong)size)
                .Append(" status=pinned").WriteLine(console);
        }
    }

    // The variable's bytes into data; its size, or -1 when absent or refused (then already printed).
    private static int ReadVariable(UefiRuntimeServices runtime, UefiConsole console, ConsoleConfigReport report, byte[] data, out uint attributes)
    {
        attributes = 0;
        if (!runtime.IsAvailable)
            return -1;
        EfiStatus status = runtime.GetVariable(ConfigVariable.Name, ConfigVariable.VendorGuid,
            new Span<byte>(data, 0, ConfigTextSource.MaxBytes), out int size, out attributes);
        if (status == EfiStatus.NotFound)
        {
            new ConsoleLine(stackalloc char[160]).Append("CONFIG source=efi-variable name=").Append(ConfigVariable.NameText).Append(" status=absent")
                .WriteLine(console);
            return -1;
        }
        if (status == EfiStatus.BufferTooSmall)
        {
            report.SourceRejected(ConfigSource.EfiVariable, "name=UefiRecoveryConfig", "larger than 4096 bytes", (ulong)size, detailIsStatus: false);
            return -1;
        }
        if (status.IsError)
        {
            report.SourceRejected(ConfigSource.EfiVariable, "name=UefiRecoveryConfig", "GetVariable failed", status.Value, detailIsStatus: true);
            return -1;
        }
        return size;
    }

    private static void ApplyVariable(UefiConsole console, RecoveryConfig config, ConsoleConfigReport report, byte[] data, int size, uint attributes)
    {
        // A variable the OS can write (RUNTIME_ACCESS) may not carry protected keys or mode=recover.
        bool osWritable = (attributes & VariableAttributes.RuntimeAccess) != 0;
        new ConsoleLine(stackalloc char[160]).Append("CONFIG source=efi-variable name=").Append(ConfigVariable.NameText).Append(" status=read bytes=")
            .AppendDecimal((ulong)size).Append(" attributes=").AppendHex(attributes, 8).WriteLine(console);
        ConfigTextSource.Apply(new ReadOnlySpan<byte>(data, 0, size), ConfigSource.EfiVariable, osWritable, config, report);
    }

    private static void ApplyEspFile(UefiBootServices services, UefiConsole console, RecoveryConfig config, ConsoleConfigReport report, byte[] data)
    {
        Span<char> path = stackalloc char[EspConfigFile.MaxPathLength];
        EspFileStatus status = EspConfigFile.Read(services, path, out int pathLength, data, out int size, out EfiStatus efiStatus);
        ReadOnlySpan<char> shown = path.Slice(0, pathLength);
        Span<char> line = stackalloc char[240];
        switch (status)
        {
            case EspFileStatus.Absent:
                new ConsoleLine(line).Append("CONFIG source=esp-file path=").Append(shown).Append(" status=absent").WriteLine(console);
                return;
            case EspFileStatus.NoVolume:
                new ConsoleLine(line).Append("CONFIG source=esp-file status=no-volume").WriteLine(console);
                return;
            case EspFileStatus.TooLarge:
                report.SourceRejected(ConfigSource.EspFile, "file", "larger than 4096 bytes", 0, detailIsStatus: false);
                return;
            case EspFileStatus.ReadFailed:
                report.SourceRejected(ConfigSource.EspFile, "file", "open or read failed", efiStatus.Value, detailIsStatus: true);
                return;
        }
        new ConsoleLine(line).Append("CONFIG source=esp-file path=").Append(shown).Append(" status=read bytes=").AppendDecimal((ulong)size)
            .WriteLine(console);
        // The ESP is writable by the running OS: protected keys and mode=recover are refused from it.
        ConfigTextSource.Apply(new ReadOnlySpan<byte>(data, 0, size), ConfigSource.EspFile, osWritable: true, config, report);
    }
}
#endif
