using System;
using System.CommandLine;
using System.Globalization;

namespace UefiRecovery.Manager.Images;

/// <summary>
/// How much of an input file the manager reads. A capsule is held in memory whole (to verify it and to
/// serve it), so its size is capped: by default far above any flash region, configurable with
/// --max-image-size up to what one array can hold (version 1 of the protocol allows 4 GiB).
/// </summary>
public static class ImageLimits
{
    /// <summary>Default cap on a capsule or payload file.</summary>
    public const long DefaultMaxImageBytes = 64L * 1024 * 1024;

    /// <summary>Highest --max-image-size: the reader needs one byte beyond the cap in one array.</summary>
    public static long MaxConfigurableImageBytes => Array.MaxLength - 1;

    /// <summary>The --max-image-size option, the same for serve and the image commands.</summary>
    public static Option<string> CreateOption(string what) => new("--max-image-size")
    {
        Description = "Largest " + what + " read, in bytes (suffix KiB, MiB or GiB allowed); larger files are refused.",
        HelpName = "BYTES",
        DefaultValueFactory = _ => "64MiB",
    };

    /// <summary>Parses a --max-image-size value: 1 byte .. <see cref="MaxConfigurableImageBytes"/>.</summary>
    public static bool TryParse(string? text, out long bytes, out string error)
    {
        error = "";
        if (CliValues.TryParseByteSize(text, out bytes) && bytes > 0 && bytes <= MaxConfigurableImageBytes) return true;
        error = string.Create(CultureInfo.InvariantCulture, $"--max-image-size must be 1..{MaxConfigurableImageBytes} bytes (e.g. 64MiB)");
        return false;
    }

    /// <summary>Cap on a key or certificate file (PEM or DER): a few KiB in practice.</summary>
    public const long MaxKeyFileBytes = 1024 * 1024;
}
