using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

public class FragmentBitmapTests
{
    [Fact]
    public void TryMarkHeld_NewDuplicateAndOutOfRange_ReportedAsSuch()
    {
        FragmentBitmap bitmap = new FragmentBitmap(200);
        Assert.True(bitmap.Reset(130));

        Assert.True(bitmap.TryMarkHeld(129));
        Assert.False(bitmap.TryMarkHeld(129));
        Assert.False(bitmap.TryMarkHeld(130));
        Assert.Equal(1u, bitmap.HeldCount);
        Assert.True(bitmap.IsHeld(129));
        Assert.False(bitmap.IsHeld(128));
    }

    [Fact]
    public void Reset_AboveCapacity_Refused()
    {
        FragmentBitmap bitmap = new FragmentBitmap(64);
        Assert.False(bitmap.Reset(65));
        Assert.True(bitmap.Reset(64));
    }

    [Fact]
    public void NextMissingAndNextHeld_AcrossWordBoundaries()
    {
        FragmentBitmap bitmap = new FragmentBitmap(300);
        bitmap.Reset(200);
        for (uint i = 0; i < 200; i++)
        {
            if (i != 63 && i != 64 && i != 199)
            {
                bitmap.TryMarkHeld(i);
            }
        }

        Assert.Equal(63u, bitmap.NextMissing(0));
        Assert.Equal(64u, bitmap.NextMissing(64));
        Assert.Equal(199u, bitmap.NextMissing(65));
        Assert.Equal(65u, bitmap.NextHeld(63));
        Assert.Equal(200u, bitmap.NextHeld(199));
        Assert.Equal(200u, bitmap.NextMissing(200));
    }

    [Fact]
    public void CollectMissingRanges_MergesRunsAndFlagsMore()
    {
        FragmentBitmap bitmap = new FragmentBitmap(300);
        bitmap.Reset(150);
        // Held: everything except [0,3), [64,130), 140, 149.
        for (uint i = 3; i < 150; i++)
        {
            if ((i < 64 || i >= 130) && i != 140 && i != 149)
            {
                bitmap.TryMarkHeld(i);
            }
        }
        NackRange[] all = new NackRange[8];
        NackRange[] two = new NackRange[2];

        int count = bitmap.CollectMissingRanges(all, out bool more);
        int limited = bitmap.CollectMissingRanges(two, out bool limitedMore);

        Assert.Equal(4, count);
        Assert.False(more);
        Assert.Equal((0u, 3u), (all[0].First, all[0].Count));
        Assert.Equal((64u, 66u), (all[1].First, all[1].Count));
        Assert.Equal((140u, 1u), (all[2].First, all[2].Count));
        Assert.Equal((149u, 1u), (all[3].First, all[3].Count));
        Assert.Equal(2, limited);
        Assert.True(limitedMore);
    }

    [Fact]
    public void Reset_AfterLargerImage_ClearsEveryOldBit()
    {
        FragmentBitmap bitmap = new FragmentBitmap(256);
        bitmap.Reset(256);
        for (uint i = 0; i < 256; i++)
        {
            bitmap.TryMarkHeld(i);
        }
        bitmap.Reset(10);
        bitmap.Reset(256);

        Assert.Equal(0u, bitmap.HeldCount);
        Assert.Equal(0u, bitmap.NextMissing(0));
        Assert.Equal(256u, bitmap.NextHeld(0));
    }

    [Fact]
    public void WriteMissingBitmap_WindowPastEnd_ListsMissingAndZeroesBeyondCount()
    {
        FragmentBitmap bitmap = new FragmentBitmap(64);
        bitmap.Reset(13);
        for (uint i = 0; i < 13; i++)
        {
            if (i != 4 && i != 5 && i != 12)
            {
                bitmap.TryMarkHeld(i);
            }
        }
        byte[] bits = new byte[3];

        uint listed = bitmap.WriteMissingBitmap(4, bits);

        // Window starts at 4: fragments 4, 5 → bits 0, 1; fragment 12 → bit 8; 13..27 do not exist.
        Assert.Equal(3u, listed);
        Assert.Equal(new byte[] { 0x03, 0x01, 0x00 }, bits);
    }
}
