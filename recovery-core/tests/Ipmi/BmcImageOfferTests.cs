using System;
using System.Linq;
using System.Text;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Ipmi;
using UefiRecovery.Core.Ipmi.Blob;
using Xunit;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>The BMC's claim about its image (Stat metadata: image type, version) judged like an OFFER, before reading.</summary>
public sealed class BmcImageOfferTests
{
    private static readonly EfiGuid Type = new(0x4E2D3C1B, 0x1A2B, 0x3C4D, 0x5E, 0x6F, 0x70, 0x81, 0x92, 0xA3, 0xB4, 0xC5);
    private static readonly EfiGuid Other = new(0x0B6C4B2E, 0x8D51, 0x4A43, 0x9E, 0x0F, 0x3C, 0x1D, 0x2E, 0x4F, 0x5A, 0x61);

    private static byte[] Metadata(EfiGuid type, uint version)
    {
        var bytes = new byte[BmcImageOffer.MetadataBytes];
        Assert.True(type.TryWrite(bytes));
        BitConverter.GetBytes(version).CopyTo(bytes, 16);
        return bytes;
    }

    public static TheoryData<string, byte[], BmcImageOfferStatus> Claims => new()
    {
        { "same-type-at-floor", Metadata(Type, 0x10000), BmcImageOfferStatus.Acceptable },
        { "same-type-above-floor", Metadata(Type, 0x20001), BmcImageOfferStatus.Acceptable },
        { "below-floor", Metadata(Type, 0xFFFF), BmcImageOfferStatus.BelowFloor },
        { "other-type", Metadata(Other, 0x20000), BmcImageOfferStatus.WrongImageType },
        { "no-metadata", [], BmcImageOfferStatus.NoClaim },
        { "one-byte-short", Metadata(Type, 0x20000)[..19], BmcImageOfferStatus.NoClaim },
        { "one-byte-long", [.. Metadata(Other, 0x20000), 0], BmcImageOfferStatus.NoClaim },
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public void Judge_Claim_Status(string name, byte[] metadata, BmcImageOfferStatus expected)
    {
        BmcImageOfferStatus status = BmcImageOffer.Judge(metadata, Type, 0x10000, out _, out _);

        Assert.True(status == expected, name + ": " + status);
    }

    [Fact]
    public void Query_StatWithMetadata_MetadataKeptNothingOpened()
    {
        var blobs = new SpecBlobBmc();
        blobs.Blobs["/recovery/image"] = Enumerable.Repeat((byte)1, 100).ToList();
        byte[] metadata = Metadata(Type, 0x20000);
        blobs.Tamper = (sub, answer) => sub == 8 ? SpecBlobBmc.Ok([0x08, 0x00, 100, 0, 0, 0, (byte)metadata.Length, .. metadata]) : answer;
        var client = new BlobClient(new IpmiClient(new KcsInterface(new SpecKcsBmc { Handler = blobs.Handle }, 1_000, 5_000_000, 1)));
        var download = new BlobDownload(client);

        Assert.Equal(BlobDownloadStatus.Read, download.Query(Encoding.ASCII.GetBytes("/recovery/image"), 1000));

        Assert.Equal(metadata, client.LastMetadata.ToArray());
        Assert.Equal(BmcImageOfferStatus.Acceptable, BmcImageOffer.Judge(client.LastMetadata, Type, 0x10000, out EfiGuid type, out uint version));
        Assert.True(type.Equals(Type));
        Assert.Equal(0x20000u, version);
        Assert.Equal(new byte[] { 8 }, blobs.Subcommands);
    }
}
