using System;
using System.Net;
using UefiRecovery.Manager.Serving.Limits;
using UefiRecovery.Manager.Serving.Results;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>RESULTs with a genuine token from non-members (red team F7: unbounded success records for any MAC).</summary>
public sealed class StrangerResultGateTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("10.0.0.66");
    private static readonly IPAddress Other = IPAddress.Parse("10.0.0.67");
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);

    private static StrangerResultGate NewGate(int remembered = 1000) => new(new RateLimit(1, 16), new RateLimit(5, 100), 64, remembered);

    [Fact]
    public void Judge_SessionOfferedButNeverStarted_NeverStartedWithoutTakingAToken()
    {
        var gate = NewGate();
        gate.Offered(7);
        for (int i = 0; i < 100; i++) Assert.Equal(StrangerVerdict.NeverStarted, gate.Judge(7, Attacker, T0));
        Assert.Equal(StrangerVerdict.Record, gate.Judge(8, Attacker, T0)); // the limit is untouched
    }

    [Fact]
    public void Judge_SessionOfferedAndStarted_RecordedUnderTheLimit()
    {
        var gate = NewGate();
        gate.Offered(7);
        gate.Started(7);
        Assert.Equal(StrangerVerdict.Record, gate.Judge(7, Attacker, T0));
    }

    [Fact]
    public void Judge_UnknownSessionsFromOneSource_SixteenAtOnceThenOneASecondOtherSourcesUnaffected()
    {
        var gate = NewGate();
        for (uint id = 1; id <= 16; id++) Assert.Equal(StrangerVerdict.Record, gate.Judge(id, Attacker, T0));
        Assert.Equal(StrangerVerdict.RateLimited, gate.Judge(17, Attacker, T0));
        Assert.Equal(StrangerVerdict.Record, gate.Judge(18, Other, T0));
        Assert.Equal(StrangerVerdict.Record, gate.Judge(19, Attacker, T0 + TimeSpan.FromSeconds(1)));
        Assert.Equal(StrangerVerdict.RateLimited, gate.Judge(20, Attacker, T0 + TimeSpan.FromSeconds(1)));
        Assert.Equal(1, gate.TakeSummary(T0 + TimeSpan.FromSeconds(1), 5).Sources);
    }

    [Fact]
    public void Judge_ManySources_TotalCapped()
    {
        var gate = NewGate();
        int recorded = 0;
        for (int source = 1; source <= 50; source++)
            for (uint id = 0; id < 16; id++)
                if (gate.Judge(id, new IPAddress(new byte[] { 10, 1, 0, (byte)source }), T0) == StrangerVerdict.Record) recorded++;
        Assert.Equal(100, recorded);
    }

    [Fact]
    public void Judge_OfferedIdsForgottenAfterCapacity_TreatedAsUnknownNotNeverStarted()
    {
        var gate = NewGate(remembered: 4);
        gate.Offered(1);
        for (uint id = 2; id <= 5; id++) gate.Offered(id);
        Assert.Equal(StrangerVerdict.Record, gate.Judge(1, Attacker, T0));
        Assert.Equal(StrangerVerdict.NeverStarted, gate.Judge(5, Attacker, T0));
    }
}
