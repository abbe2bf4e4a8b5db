namespace UefiRecovery.Manager;

/// <summary>
/// Exit codes of every command (docs/operating.md §6). 1 means only "the image was rejected", so a script
/// can tell a bad capsule from a command that could not do its job.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done; for `image verify`/`inspect`: the capsule is accepted / well formed.</summary>
    public const int Ok = 0;

    /// <summary>`image verify`: the capsule is rejected; `image inspect`: it is not a well-formed capsule.</summary>
    public const int Rejected = 1;

    /// <summary>The command line is wrong: unknown or missing option, a value it cannot parse, options that contradict each other. Running it again unchanged fails again.</summary>
    public const int Usage = 2;

    /// <summary>
    /// The old name of <see cref="Usage"/>, from when unusable files shared it; kept so code written against it still
    /// builds. New code says <see cref="Usage"/> for the command line and <see cref="Configuration"/> for files.
    /// </summary>
    public const int UsageOrInput = Usage;

    /// <summary>An unexpected error inside the manager (a bug): one line on stderr, no stack trace.</summary>
    public const int InternalError = 3;

    /// <summary>The environment lacks what the command needs (`benchmark`: root for network namespaces, or a tool).</summary>
    public const int MissingPrerequisite = 4;

    /// <summary>
    /// The command line parses, but what it names cannot be used: a file or folder that is missing or of the wrong
    /// kind (a directory, a FIFO), larger than --max-image-size, empty, a key that is not the key needed (a public
    /// key to sign with), or a setting the job needs is absent (`serve` without a trust anchor). Fix the file or
    /// the configuration; like 2 it does not pass by itself, so a service manager must not retry it.
    /// </summary>
    public const int Configuration = 7;

    /// <summary>
    /// `serve`: a port or a file the manager must use is not available (UDP or HTTP port in use, address not on
    /// this host, result log not writable). Unlike 2 it may pass by itself, so a service manager can retry it.
    /// </summary>
    public const int Unavailable = 6;

    /// <summary>Ctrl+C or SIGTERM stopped a command before it finished (the shell's convention for SIGINT).</summary>
    public const int Interrupted = 130;
}
