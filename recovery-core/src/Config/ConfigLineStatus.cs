namespace UefiRecovery.Core.Config;

/// <summary>What <see cref="ConfigTextReader.Next"/> found.</summary>
public enum ConfigLineStatus : byte
{
    /// <summary>A non-empty, non-comment line, trimmed and copied out.</summary>
    Entry = 0,

    /// <summary>No more lines.</summary>
    End,

    /// <summary>The line is longer than <see cref="ConfigTextReader.MaxLineLength"/>; skipped.</summary>
    TooLong,

    /// <summary>The line holds a byte outside printable ASCII (control, NUL, non-ASCII UTF-8); skipped.</summary>
    BadCharacter,
}
