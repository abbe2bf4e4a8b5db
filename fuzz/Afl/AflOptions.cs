namespace UefiRecovery.Fuzz.Afl;

/// <summary>Settings of one `afl` command (docs/fuzzing.md).</summary>
public sealed class AflOptions
{
    /// <summary>Fuzzing time per target (afl-fuzz -V); 0 runs until Ctrl-C.</summary>
    public int Seconds { get; set; } = 30;

    /// <summary>Working folder; default artifacts/fuzz/TIME.</summary>
    public string? OutDir { get; set; }

    /// <summary>Show afl-fuzz's status screen instead of writing its log.</summary>
    public bool Ui { get; set; }

    /// <summary>afl-fuzz -t: one execution longer than this is a hang (confirmed by replaying it).</summary>
    public int TimeoutMs { get; set; } = 5000;
}
