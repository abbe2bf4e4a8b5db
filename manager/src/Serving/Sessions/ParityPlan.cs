using System;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// How many parity fragments a repair pass sends for one FEC block (docs/protocol.md §5.5). The member that needs n
/// needs n of what is sent to arrive, and what is sent is lost at that member's rate: the count is the need plus the
/// smallest margin that makes a failure (another round for the block) no likelier than the pass's target. The loss
/// rate is what the members measured in pass 0 (fragments held after it), so the margin is as large as the link
/// needs: 0–1 at 1 %, about 4 at 10 % for the worst of 20 machines.
/// </summary>
public static class ParityPlan
{
    /// <summary>
    /// The first repair pass carries most blocks: a margin there is paid on every block, while the few blocks that
    /// still fail cost little in the next pass. So up to 5 % of its blocks may fail.
    /// </summary>
    public const double FirstPassFailure = 0.05;

    /// <summary>A later pass carries few blocks: its margin is cheap, so it aims to end the repair (0.1 failures in all).</summary>
    public const double LaterPassFailures = 0.1;

    /// <summary>The pass's target failure probability per block.</summary>
    public static double FailureTarget(bool firstRepairPass, int blocksInPass) =>
        firstRepairPass ? FirstPassFailure : Math.Min(FirstPassFailure, LaterPassFailures / Math.Max(1, blocksInPass));

    /// <summary>
    /// Parity to send for a block whose neediest members (<paramref name="members"/> of them) need <paramref name="need"/>
    /// and lose a share <paramref name="loss"/> of what is sent: need + the smallest margin m with
    /// members · P(Binomial(need + m, loss) &gt; m) ≤ <paramref name="failureTarget"/>, at most <paramref name="limit"/>.
    /// </summary>
    public static int Count(int need, int members, double loss, double failureTarget, int limit)
    {
        if (need <= 0) return 0;
        loss = Math.Clamp(loss, 0, 0.9);
        int margin = 0;
        while (need + margin < limit && Math.Max(1, members) * Tail(need + margin, loss, margin) > failureTarget) margin++;
        return Math.Min(need + margin, limit);
    }

    /// <summary>
    /// Without a measured loss (nobody was in pass 0 from its start: a resumed session, only late joiners): 1 + need/8,
    /// which keeps most blocks done in one pass up to about 10 % loss.
    /// </summary>
    public static int FallbackCount(int need) => need == 0 ? 0 : need + 1 + need / 8;

    /// <summary>Copies of a datagram that every one of its members must receive: the fewest (1..3) with loss^copies ≤ the target.</summary>
    public static int Copies(double loss, double failureTarget)
    {
        int copies = 1;
        double miss = Math.Clamp(loss, 0, 1);
        while (copies < 3 && miss > failureTarget)
        {
            copies++;
            miss *= loss;
        }
        return copies;
    }

    /// <summary>P(X &gt; k) for X ~ Binomial(n, p).</summary>
    public static double Tail(int n, double p, int k)
    {
        if (k >= n) return 0;
        if (p <= 0) return 0;
        if (p >= 1) return 1;
        // Σ_{i=0..k} C(n,i) p^i (1-p)^(n-i), term by term from (1-p)^n.
        double term = Math.Pow(1 - p, n);
        double sum = term;
        for (int i = 1; i <= k; i++)
        {
            term *= (double)(n - i + 1) / i * p / (1 - p);
            sum += term;
        }
        return Math.Max(0, 1 - sum);
    }
}
