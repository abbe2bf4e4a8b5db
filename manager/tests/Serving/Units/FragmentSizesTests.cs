using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The few fragment sizes the manager offers (docs/protocol.md §5.2; red team F5).</summary>
public sealed class FragmentSizesTests
{
    [Fact]
    public void Offered_DefaultConfiguration_TheStandardSizesLargestFirst()
    {
        Assert.Equal(new ushort[] { 1432, 1372, 1232, 1000, 508 }, FragmentSizes.Offered(1432));
    }

    [Fact]
    public void Offered_JumboOrOddConfiguration_ItAndTheStandardSizesBelowIt()
    {
        Assert.Equal(new ushort[] { 8932, 1432, 1372, 1232, 1000, 508 }, FragmentSizes.Offered(8932));
        Assert.Equal(new ushort[] { 1300, 1232, 1000, 508 }, FragmentSizes.Offered(1300));
        Assert.Equal(new ushort[] { 508 }, FragmentSizes.Offered(508));
    }

    [Fact]
    public void Offered_OutsideTheProtocolsRange_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FragmentSizes.Offered(507));
        Assert.Throws<ArgumentOutOfRangeException>(() => FragmentSizes.Offered(ProtocolLimits.MaxFragmentSize + 1));
    }

    /// <summary>(configured size, the client's max datagram, the fragment size it gets).</summary>
    public static TheoryData<int, int, int> Clients => new()
    {
        { 1432, 1472, 1432 },  // Ethernet
        { 1432, 8972, 1432 },  // a jumbo client gets no more than configured
        { 1432, 1471, 1372 },  // one byte short: the next size down
        { 1432, 1464, 1372 },  // PPPoE
        { 1432, 1412, 1372 },
        { 1432, 1411, 1232 },
        { 1432, 1039, 508 },
        { 1432, 548, 508 },    // the protocol's minimum
        { 8932, 8972, 8932 },
        { 8932, 4000, 1432 },
    };

    [Theory]
    [MemberData(nameof(Clients))]
    public void ForClient_MaxDatagram_LargestOfferedSizeThatFits(int configured, int maxDatagram, int expected)
    {
        ushort size = FragmentSizes.ForClient(FragmentSizes.Offered(configured), maxDatagram);
        Assert.Equal(expected, size);
        Assert.True(size + ProtocolConstants.FragmentOverhead <= maxDatagram);
    }

    [Fact]
    public void ForClient_EveryMaxDatagramAClientMayDeclare_AtMostSixDistinctSizes()
    {
        // What bounds the manifests a flood of odd REQUESTs can make the manager build: sizes per image.
        var seen = new HashSet<ushort>();
        for (int datagram = ProtocolLimits.MinDatagram; datagram <= ProtocolLimits.MaxDatagram; datagram++)
            seen.Add(FragmentSizes.ForClient(FragmentSizes.Offered(8932), datagram));
        Assert.Equal(6, seen.Count);
    }
}
