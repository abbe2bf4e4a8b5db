using System;
using System.Globalization;

namespace UefiRecovery.Manager.Serving.Faults;

/// <summary>
/// Fractions (0..1) of datagrams to drop, corrupt, duplicate and reorder, and the seed that makes the
/// choice reproducible. Written on the command line as "drop=0.05,corrupt=0.01,duplicate=0.01,reorder=0.01,seed=7".
/// </summary>
public sealed record FaultOptions(double Drop, double Corrupt, double Duplicate, double Reorder, int Seed)
{
    public static readonly FaultOptions None = new(0, 0, 0, 0, 0);

    public bool IsActive => Drop > 0 || Corrupt > 0 || Duplicate > 0 || Reorder > 0;

    /// <summary>The same faults with another seed: simulated clients each get their own stream.</summary>
    public FaultOptions WithSeed(int seed) => this with { Seed = seed };

    public static bool TryParse(string? text, out FaultOptions options, out string error)
    {
        options = None;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        double drop = 0, corrupt = 0, duplicate = 0, reorder = 0;
        int seed = 1;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) { error = $"fault '{part}' is not name=value"; return false; }
            string name = part[..eq].ToLowerInvariant();
            string value = part[(eq + 1)..];
            if (name == "seed")
            {
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed)) { error = $"seed '{value}' is not an integer"; return false; }
                continue;
            }
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction) || fraction < 0 || fraction > 1)
            {
                error = $"fault '{part}': the value must be a fraction between 0 and 1";
                return false;
            }
            switch (name)
            {
                case "drop": drop = fraction; break;
                case "corrupt": corrupt = fraction; break;
                case "duplicate": case "dup": duplicate = fraction; break;
                case "reorder": reorder = fraction; break;
                default: error = $"unknown fault '{name}' (drop, corrupt, duplicate, reorder, seed)"; return false;
            }
        }
        options = new FaultOptions(drop, corrupt, duplicate, reorder, seed);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"drop={Drop},corrupt={Corrupt},duplicate={Duplicate},reorder={Reorder},seed={Seed}");
}
