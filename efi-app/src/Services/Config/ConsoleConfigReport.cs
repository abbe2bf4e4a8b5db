#if PORTABLE_CORE
using UefiRecovery.Core.Config;

namespace UefiRecovery.Efi.Services.Config;

/// <summary>
/// Prints what each configuration source did, one line per entry, on ConOut (which OVMF and the
/// platform console mirror on serial):
///   CONFIG &lt;key&gt;=&lt;value&gt; source=&lt;source&gt;                                  (applied)
///   CONFIG overridden &lt;key&gt;=&lt;value&gt; source=&lt;source&gt; by=&lt;source&gt;          (a higher source set it)
///   CONFIG rejected source=&lt;source&gt; [line=N ]entry="..." reason="..."      (bad value, unknown key, repeat, untrusted source)
///   CONFIG rejected source=&lt;source&gt; line=N reason="..."                    (unreadable line; its bytes are not echoed)
/// SMBIOS strings that are not <c>uefirecovery.</c> settings belong to other tools and are skipped silently.
/// </summary>
internal sealed class ConsoleConfigReport : IConfigReport
{
    private readonly UefiConsole _console;
    private readonly RecoveryConfig _config;

    public ConsoleConfigReport(UefiConsole console, RecoveryConfig config)
    {
        _console = console;
        _config = config;
    }

    /// <summary>Entries rejected so far, over all sources.</summary>
    public int Rejected { get; private set; }

    public void Entry(ConfigSource source, int line, ReadOnlySpan<char> entry, ConfigApplyResult result)
    {
        Span<char> buffer = stackalloc char[400];
        if (result.Status == ConfigStatus.Applied)
        {
            new ConsoleLine(buffer).Append("CONFIG ").Append(WithoutPrefix(entry)).Append(" source=").Append(ConfigSourceNames.Name(source))
                .WriteLine(_console);
            return;
        }
        if (result.Status == ConfigStatus.Overridden)
        {
            new ConsoleLine(buffer).Append("CONFIG overridden ").Append(WithoutPrefix(entry)).Append(" source=").Append(ConfigSourceNames.Name(source))
                .Append(" by=").Append(ConfigSourceNames.Name(_config.SourceOf(result.Key))).WriteLine(_console);
            return;
        }
        if (result.Status == ConfigStatus.NotOurs && source == ConfigSource.Smbios)
            return;
        Rejected++;
        var text = new ConsoleLine(buffer).Append("CONFIG rejected source=").Append(ConfigSourceNames.Name(source));
        if (source != ConfigSource.Smbios)
            text.Append(" line=").AppendDecimal((ulong)line);
        text.Append(" entry=\"").Append(entry).Append("\" reason=\"").Append(result.Reason).Append("\"").WriteLine(_console);
    }

    public void LineRejected(ConfigSource source, int line, string reason)
    {
        Rejected++;
        new ConsoleLine(stackalloc char[200]).Append("CONFIG rejected source=").Append(ConfigSourceNames.Name(source))
            .Append(" line=").AppendDecimal((ulong)line).Append(" reason=\"").Append(reason).Append("\"").WriteLine(_console);
    }

    /// <summary>A source-level problem (variable or file unreadable or too large): the whole source is skipped.</summary>
    public void SourceRejected(ConfigSource source, ReadOnlySpan<char> what, string reason, ulong detail, bool detailIsStatus)
    {
        Rejected++;
        var text = new ConsoleLine(stackalloc char[240]).Append("CONFIG rejected source=").Append(ConfigSourceNames.Name(source))
            .Append(" ").Append(what).Append(" reason=\"").Append(reason).Append("\"");
        if (detailIsStatus)
            text.Append(" status=").AppendHex(detail);
        else if (detail != 0)
            text.Append(" size=").AppendDecimal(detail);
        text.WriteLine(_console);
    }

    /// <summary>A configured root certificate file that is missing, too large or does not match its pin: not trusted.</summary>
    public void CertificateRejected(ReadOnlySpan<char> path, string reason)
    {
        Rejected++;
        new ConsoleLine(stackalloc char[240]).Append("CONFIG rejected trust.x509 path=").Append(path).Append(" reason=\"").Append(reason).Append("\"")
            .WriteLine(_console);
    }

    /// <summary>The settings are each valid but do not fit together (<see cref="RecoveryConfig.TryValidate"/>).</summary>
    public void CombinationRejected(string reason)
    {
        Rejected++;
        new ConsoleLine(stackalloc char[200]).Append("CONFIG rejected combination reason=\"").Append(reason).Append("\"").WriteLine(_console);
    }

    private static ReadOnlySpan<char> WithoutPrefix(ReadOnlySpan<char> entry)
    {
        string prefix = ConfigKeyNames.Prefix;
        return ConfigKeyNames.StartsWith(entry, prefix) ? entry.Slice(prefix.Length) : entry;
    }
}
#endif
