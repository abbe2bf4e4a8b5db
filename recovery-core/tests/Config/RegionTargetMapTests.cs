using UefiRecovery.Core.Common;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Firmware;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

public sealed class RegionTargetMapTests
{
    private const string ImageType = "6dcbd5ed-e82d-4c44-bda1-7194199ad92a";
    private const string OtherType = "11111111-2222-3333-4444-555555555555";

    /// <summary>EFI_SYSTEM_NV_DATA_FV_GUID (EDK2 MdePkg SystemNvDataGuid.h) and the DXE FV's FileSystemGuid (EFI_FIRMWARE_FILE_SYSTEM2_GUID).</summary>
    private const string NvGuid = "FFF12B8D-7696-4C8B-A985-2747075B4F50";
    private const string Ffs2Guid = "8C8CE578-8A3D-4F1C-9935-896185C32DD3";

    /// <summary>The built-in default the app passes on x64, for the tests of configured entries.</summary>
    private static readonly RegionTarget Default = RegionTarget.OvmfNvStore4M;

    /// <summary>The built-in default is the caller's (the app's architecture): an empty map gives exactly that region, whichever.</summary>
    [Theory]
    [InlineData("ovmf", OtherType)]
    [InlineData("aavmf", OtherType)]
    [InlineData("aavmf", "00000000-0000-0000-0000-000000000000")]
    public void TrySelect_EmptyMap_CallersDefaultForAnyType(string platform, string imageType)
    {
        RegionTarget builtIn = platform == "aavmf" ? RegionTarget.AavmfNvStore : RegionTarget.OvmfNvStore4M;
        var map = new RegionTargetMap();

        Assert.True(map.TrySelect(Guid(imageType), builtIn, out RegionTarget region, out ulong baseAddress, out string reason));

        AssertSameRegion(builtIn, region);
        Assert.Equal(0ul, baseAddress);
        Assert.Equal("", reason);
    }

    [Fact]
    public void OvmfNvStore4M_Default_132BlocksOf4KiBVariableStoreVolumeMap()
    {
        RegionTarget region = RegionTarget.OvmfNvStore4M;

        Assert.True(region.FileSystemGuid.Equals(RegionTarget.SystemNvDataFvGuid));
        Assert.Equal(0x84000ul, region.FvLength);
        Assert.Equal(0x1000, region.BlockSize);
        Assert.Equal(132, region.BlockCount);
        Assert.True(region.IsVariableStore);
        Assert.False(region.HeaderMapsDevice);
    }

    /// <summary>AAVMF's default is what its explicit line (docs/config.md) says, so that line only restates it.</summary>
    [Fact]
    public void AavmfNvStore_Default_EqualsTheExplicitMapDeviceLine()
    {
        var map = new RegionTargetMap();
        Assert.True(map.TryAdd(ImageType + ",fv=" + NvGuid + ",size=0xC0000,block=0x40000,map=device", out string reason), reason);

        Assert.True(map.TrySelect(Guid(ImageType), RegionTarget.OvmfNvStore4M, out RegionTarget explicitLine, out _, out _));

        AssertSameRegion(RegionTarget.AavmfNvStore, explicitLine);
        Assert.Equal(3, explicitLine.BlockCount);
        Assert.True(explicitLine.HeaderMapsDevice);
    }

    /// <summary>Any entry replaces the default: an image type the map does not hold is refused, the default not used.</summary>
    [Theory]
    [InlineData("ovmf")]
    [InlineData("aavmf")]
    public void TrySelect_MapWithEntries_DefaultNeverUsed(string platform)
    {
        RegionTarget builtIn = platform == "aavmf" ? RegionTarget.AavmfNvStore : RegionTarget.OvmfNvStore4M;
        var map = new RegionTargetMap();
        Assert.True(map.TryAdd(ImageType + ",fv=" + Ffs2Guid + ",size=0x10000", out _));
        Assert.True(map.TryAdd(OtherType + ",fv=" + NvGuid + ",size=0x42000", out _));

        Assert.False(map.TrySelect(Guid("99999999-2222-3333-4444-555555555555"), builtIn, out RegionTarget none, out _, out string reason));
        Assert.Equal("no uefirecovery.target for the image type", reason);
        Assert.Equal(0ul, none.FvLength);
        Assert.True(map.TrySelect(Guid(ImageType), builtIn, out RegionTarget configured, out _, out _));
        Assert.True(configured.FileSystemGuid.Equals(Guid(Ffs2Guid)));
    }

    [Fact]
    public void TryAdd_FullEntry_AllFieldsParsed()
    {
        var map = new RegionTargetMap();

        Assert.True(map.TryAdd(ImageType + ",fv=" + Ffs2Guid + ",size=0xC00000,block=0x10000,store=raw,base=0x900000", out string reason), reason);

        Assert.True(map.TrySelect(Guid(ImageType), Default, out RegionTarget region, out ulong baseAddress, out _));
        Assert.True(region.FileSystemGuid.Equals(Guid(Ffs2Guid)));
        Assert.Equal(0xC00000ul, region.FvLength);
        Assert.Equal(0x10000, region.BlockSize);
        Assert.Equal(192, region.BlockCount);
        Assert.False(region.IsVariableStore);
        Assert.Equal(0x900000ul, baseAddress);
    }

    [Fact]
    public void TryAdd_NvGuidWithoutStore_VariableStoreCheckedDefaultBlock()
    {
        var map = new RegionTargetMap();

        Assert.True(map.TryAdd(ImageType + ",fv=" + NvGuid + ",size=540672", out _));

        Assert.True(map.TrySelect(Guid(ImageType), Default, out RegionTarget region, out _, out _));
        Assert.True(region.IsVariableStore);
        Assert.Equal(132, region.BlockCount);
    }

    [Fact]
    public void TrySelect_TypeNotInMap_RefusedWithReason()
    {
        var map = new RegionTargetMap();
        map.TryAdd(ImageType + ",fv=" + NvGuid + ",size=0x84000", out _);
        map.TryAdd(OtherType + ",fv=" + NvGuid + ",size=0x42000", out _);

        Assert.False(map.TrySelect(Guid("99999999-2222-3333-4444-555555555555"), Default, out _, out _, out string reason));
        Assert.Equal("no uefirecovery.target for the image type", reason);
        Assert.False(map.TrySelect(default, Default, out _, out _, out _));
        Assert.True(map.TrySelect(Guid(OtherType), Default, out RegionTarget other, out _, out _));
        Assert.Equal(0x42000ul, other.FvLength);
    }

    [Fact]
    public void TrySelect_NoImageTypeConfiguredOneEntry_ThatEntry()
    {
        var map = new RegionTargetMap();
        map.TryAdd(ImageType + ",fv=" + NvGuid + ",size=0x42000", out _);

        Assert.True(map.TrySelect(default, Default, out RegionTarget region, out _, out _));
        Assert.Equal(0x42000ul, region.FvLength);
    }

    [Theory]
    [InlineData(ImageType, "expected <image-type-guid>,fv=<guid>,size=<bytes>")]
    [InlineData("not-a-guid,fv=" + NvGuid + ",size=0x1000", "image type is not a nonzero GUID")]
    [InlineData("00000000-0000-0000-0000-000000000000,fv=" + NvGuid + ",size=0x1000", "image type is not a nonzero GUID")]
    [InlineData(ImageType + ",size=0x84000", "fv= and size= are required")]
    [InlineData(ImageType + ",fv=" + NvGuid, "fv= and size= are required")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x84000,colour=red", "unknown field (fv, size, block, store, base, map)")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x84000,", "field is not name=value")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x84000,size=0x1000", "size is repeated or not a number (decimal or 0x hex)")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x84001", "size is 0, above 64 MiB or not a whole number of blocks")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0", "size is 0, above 64 MiB or not a whole number of blocks")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x8000000", "size is 0, above 64 MiB or not a whole number of blocks")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x84000,block=0x1800", "block is not a power of two from 512 to 1 MiB")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x84000,block=256", "block is not a power of two from 512 to 1 MiB")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x10000000000000000", "size is repeated or not a number (decimal or 0x hex)")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=99999999999999999999", "size is repeated or not a number (decimal or 0x hex)")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x84000,base=0", "base is repeated or not a nonzero number (decimal or 0x hex)")]
    [InlineData(ImageType + ",fv=" + NvGuid + ",size=0x84000,store=flash", "store is repeated or not nv|raw")]
    public void TryAdd_BadEntry_RefusedWithReasonNothingAdded(string value, string expectedReason)
    {
        var map = new RegionTargetMap();

        Assert.False(map.TryAdd(value, out string reason));

        Assert.Equal(expectedReason, reason);
        Assert.Equal(0, map.Count);
    }

    [Fact]
    public void TryAdd_SameTypeTwiceOrFifthEntry_Refused()
    {
        var map = new RegionTargetMap();
        Assert.True(map.TryAdd(ImageType + ",fv=" + NvGuid + ",size=0x84000", out _));
        Assert.False(map.TryAdd(ImageType + ",fv=" + NvGuid + ",size=0x42000", out string repeated));
        Assert.Equal("image type already has a target", repeated);
        for (int i = 2; i <= RegionTargetMap.Capacity; i++)
            Assert.True(map.TryAdd($"0000000{i}-2222-3333-4444-555555555555,fv={NvGuid},size=0x1000", out _));

        Assert.False(map.TryAdd("00000009-2222-3333-4444-555555555555,fv=" + NvGuid + ",size=0x1000", out string full));
        Assert.Equal("more than 4 targets", full);
    }

    /// <summary>Mutations of a valid entry (character flips, cuts, repeats): never throws; whatever is accepted is a sane region.</summary>
    [Fact]
    public void TryAdd_MutatedEntries_NeverThrowsAcceptedRegionsSane()
    {
        var random = new System.Random(611);
        string valid = ImageType + ",fv=" + Ffs2Guid + ",size=0xC00000,block=0x10000,store=raw,base=0x900000";
        const string alphabet = "0123456789abcdefxX,=-.;: fvsizeblockstorebaserawn";
        for (int round = 0; round < 5000; round++)
        {
            char[] text = valid.ToCharArray();
            int length = text.Length;
            for (int edits = random.Next(1, 6); edits > 0; edits--)
            {
                int at = random.Next(length);
                if (random.Next(4) == 0)
                    length = at;   // cut
                else
                    text[at] = alphabet[random.Next(alphabet.Length)];
                if (length == 0)
                    break;
            }
            var map = new RegionTargetMap();
            if (!map.TryAdd(new string(text, 0, length), out string reason))
            {
                Assert.NotEqual("", reason);
                Assert.Equal(0, map.Count);
                continue;
            }
            RegionTarget region = map.GetRegion(0);
            Assert.InRange(region.BlockSize, (int)RegionTargetMap.MinBlockSize, (int)RegionTargetMap.MaxBlockSize);
            Assert.Equal(region.FvLength, (ulong)region.BlockSize * (ulong)region.BlockCount);
            Assert.InRange(region.FvLength, 1ul, RegionTargetMap.MaxRegionSize);
        }
    }

    private static void AssertSameRegion(in RegionTarget expected, in RegionTarget actual)
    {
        Assert.True(actual.FileSystemGuid.Equals(expected.FileSystemGuid));
        Assert.Equal(expected.FvLength, actual.FvLength);
        Assert.Equal(expected.BlockSize, actual.BlockSize);
        Assert.Equal(expected.BlockCount, actual.BlockCount);
        Assert.Equal(expected.IsVariableStore, actual.IsVariableStore);
        Assert.Equal(expected.HeaderMapsDevice, actual.HeaderMapsDevice);
    }

    private static EfiGuid Guid(string text)
    {
        Assert.True(EfiGuid.TryParse(text, out EfiGuid guid));
        return guid;
    }
}
