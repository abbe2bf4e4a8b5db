using System.Collections.Generic;
using System.Linq;
using UefiRecovery.Manager.Serving.Pacing;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>Sharing the send rate between parties (red team F12: one source with many sessions took the whole rate).</summary>
public sealed class FairShareTests
{
    /// <summary>Serves <paramref name="picks"/> datagrams of <paramref name="bytesOf"/>(party) among <paramref name="ready"/>; bytes sent per party.</summary>
    private static Dictionary<string, long> Serve(FairShare<string> share, IReadOnlyList<string> ready, int picks, System.Func<string, int> bytesOf)
    {
        var sent = ready.ToDictionary(p => p, _ => 0L);
        for (int i = 0; i < picks; i++)
        {
            string party = ready[share.Pick(ready)];
            share.Charge(party, bytesOf(party));
            sent[party] += bytesOf(party);
        }
        return sent;
    }

    [Fact]
    public void Pick_NineParties_EachGetsANinthOfTheBytes()
    {
        var share = new FairShare<string>();
        var parties = Enumerable.Range(0, 9).Select(i => "10.0.0." + i).ToList();
        var sent = Serve(share, parties, 9 * 1000, _ => 1472);
        Assert.All(sent.Values, bytes => Assert.InRange(bytes, 999 * 1472, 1001 * 1472));
    }

    [Fact]
    public void Pick_PartiesWithDifferentDatagramSizes_SharedByBytesNotByDatagrams()
    {
        var share = new FairShare<string>();
        var sent = Serve(share, new[] { "small", "large" }, 10_000, p => p == "small" ? 548 : 1472);
        Assert.InRange(sent["small"] / (double)sent["large"], 0.98, 1.02);
    }

    [Fact]
    public void Pick_NewcomerAfterOthersSentALot_SharesFromNowNoCatchUpBurst()
    {
        var share = new FairShare<string>();
        Serve(share, new[] { "a", "b" }, 10_000, _ => 1000);
        var sent = Serve(share, new[] { "a", "b", "new" }, 3000, _ => 1000);
        Assert.All(sent.Values, bytes => Assert.InRange(bytes, 999_000, 1_001_000));
    }

    [Fact]
    public void Pick_PartyIdleForAWhile_BanksNoCredit()
    {
        var share = new FairShare<string>();
        Serve(share, new[] { "a", "b" }, 100, _ => 1000);
        Serve(share, new[] { "a" }, 5000, _ => 1000); // b has nothing to send meanwhile
        var sent = Serve(share, new[] { "a", "b" }, 2000, _ => 1000);
        Assert.InRange(sent["b"], 999_000, 1_001_000);
    }

    [Fact]
    public void Charge_ManyPartiesComeAndGo_MemoryBounded()
    {
        var share = new FairShare<string>();
        for (int i = 0; i < 100_000; i++)
        {
            var ready = new[] { "steady", "p" + i };
            share.Charge(ready[share.Pick(ready)], 1000);
        }
        Assert.InRange(share.Remembered, 1, 1025);
    }

    [Fact]
    public void Pick_NothingReady_MinusOne()
    {
        Assert.Equal(-1, new FairShare<string>().Pick(new List<string>()));
    }
}
