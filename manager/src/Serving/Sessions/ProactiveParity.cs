using System;
using System.Globalization;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// Parity sent in pass 0 (docs/protocol.md §5.5, serve --fec-proactive): m fragments after each block's DATA, so a
/// member that lost at most m of the block (DATA and parity together: the parity is lost at the same rate) decodes it
/// without asking. Every block pays m, whoever lost nothing; in exchange a fleet can finish without a status round
/// after pass 0 answering with needs, which is what lets the time of a recovery not grow with the machines.
/// </summary>
public static class ProactiveParity
{
    /// <summary>
    /// What a fleet aims at when `plan` chooses the share: at most half a machine, in expectation, still short after
    /// pass 0 (those few are repaired by one small round).
    /// </summary>
    public const double ExpectedShortMachines = 0.5;

    /// <summary>Parity per block of <paramref name="blockFragments"/> fragments for <paramref name="share"/>: rounded up, at most the block.</summary>
    public static int PerBlock(double share, int blockFragments)
    {
        if (share <= 0 || blockFragments <= 0) return 0;
        // 1e-9: 0.0625 × 64 is 4, not 5, whatever the binary rounding of the share.
        int count = (int)Math.Ceiling(share * blockFragments - 1e-9);
        return Math.Clamp(count, 0, Math.Min(blockFragments, ProtocolConstants.FecMaxParity));
    }

    /// <summary>
    /// The smallest share (a whole number of parity per full block) with which <paramref name="machines"/> machines
    /// that each lose <paramref name="loss"/> of what they receive leave at most <see cref="ExpectedShortMachines"/>
    /// short after pass 0: machines · blocks · P(Binomial(64 + m, loss) &gt; m) ≤ that. A machine is short when any of
    /// its blocks is; the bound adds the blocks' chances, so it is a little pessimistic.
    /// </summary>
    public static double ShareFor(int machines, long blocks, double loss)
    {
        int n = ProtocolConstants.FecBlockLength;
        double budget = ExpectedShortMachines / (Math.Max(1, machines) * (double)Math.Max(1, blocks));
        int m = 0;
        while (m < n && ParityPlan.Tail(n + m, Math.Clamp(loss, 0, 0.9), m) > budget) m++;
        return (double)m / n;
    }

    /// <summary>
    /// The highest loss a share is sized for, for <paramref name="machines"/> machines: the p at which
    /// machines · blocks · P(Binomial(64 + m, p) &gt; m) reaches <see cref="ExpectedShortMachines"/> (the inverse of
    /// <see cref="ShareFor"/>). Pass 0's MANIFESTs are copied for that loss (<see cref="ManifestCopies"/>).
    /// </summary>
    public static double DesignLoss(double share, int machines, long blocks)
    {
        int n = ProtocolConstants.FecBlockLength;
        int m = PerBlock(share, n);
        if (m <= 0) return 0;
        double budget = ExpectedShortMachines / (Math.Max(1, machines) * (double)Math.Max(1, blocks));
        double low = 0, high = 0.9;
        for (int i = 0; i < 40; i++)
        {
            double mid = (low + high) / 2;
            if (ParityPlan.Tail(n + m, mid, m) > budget) high = mid;
            else low = mid;
        }
        return low;
    }

    /// <summary>The most copies of a MANIFEST pass 0 sends (the first before its group's DATA, the others after it).</summary>
    public const int MaxManifestCopies = 4;

    /// <summary>
    /// Copies of each MANIFEST in pass 0 so that a machine losing <paramref name="loss"/> misses every copy of one
    /// of <paramref name="groups"/> groups no likelier than the parity leaves it short: machines · groups · loss^c ≤
    /// <see cref="ExpectedShortMachines"/>. Without its group's MANIFEST a machine cannot check or decode the group,
    /// so at 1 % loss a single copy of 367 left nearly every machine short after pass 0 whatever the parity.
    /// </summary>
    public static int ManifestCopies(double loss, int machines, long groups)
    {
        double budget = ExpectedShortMachines / (Math.Max(1, machines) * (double)Math.Max(1, groups));
        int copies = 1;
        double miss = Math.Clamp(loss, 0, 1);
        while (copies < MaxManifestCopies && miss > budget)
        {
            copies++;
            miss *= loss;
        }
        return copies;
    }

    /// <summary>"8%", "8" (both 8 %), "0": a share 0..1.</summary>
    public static bool TryParseShare(string? text, out double share)
    {
        share = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string number = text.Trim().TrimEnd('%').Trim();
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) || double.IsNaN(percent) || percent < 0 || percent > 100) return false;
        share = percent / 100;
        return true;
    }
}

/// <summary>
/// What pass 0 sends after a block's last DATA with --fec-proactive: <paramref name="ParityCount"/> parity of
/// <paramref name="Block"/> from fresh index <paramref name="FirstParity"/>, then <paramref name="ExtraManifestCopies"/>
/// more copies of the MANIFEST of each group that ends in the block (groups [FirstGroup, FirstGroup + GroupCount)).
/// </summary>
public readonly record struct ProactiveBurst(uint Block, int FirstParity, int ParityCount, uint FirstGroup, uint GroupCount, int ExtraManifestCopies);
