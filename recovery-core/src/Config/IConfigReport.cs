using System;

namespace UefiRecovery.Core.Config;

/// <summary>
/// Receives what applying one source did, entry by entry, so the app can print it (screen and serial)
/// and the host tests can record it. <paramref name="line"/> is the 1-based line (file, variable) or
/// string number (SMBIOS).
/// </summary>
public interface IConfigReport
{
    /// <summary>An entry was applied, overridden, repeated or rejected (<see cref="ConfigApplyResult.Status"/>).</summary>
    void Entry(ConfigSource source, int line, ReadOnlySpan<char> entry, ConfigApplyResult result);

    /// <summary>A line could not even be read as an entry (too long, bad characters).</summary>
    void LineRejected(ConfigSource source, int line, string reason);
}
