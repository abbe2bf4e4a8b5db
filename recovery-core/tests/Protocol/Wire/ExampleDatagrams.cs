using System;

namespace UefiRecovery.Core.Tests.Protocol.Wire;

/// <summary>
/// The example datagrams of docs/protocol.md Annex A. Values: client MAC 52:54:00:12:34:56 (sender id
/// 0x0000525400123456, 192.168.100.20), donor id 0x4D414E4147455231 ("MANAGER1"), session 0x1A2B3C4D,
/// image id 0xC8F5D0341D54D951, image type GUID 6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10 (the shared EDK2
/// capsule vectors' --guid), 10000-byte image in 7 fragments of 1432. Every CRC was cross-checked with
/// Python's zlib.crc32 (an independent CRC-32/ISO-HDLC) over the datagram with bytes 28..31 zeroed.
/// </summary>
public static class ExampleDatagrams
{
    public const ulong ClientId = 0x0000525400123456;
    public const ulong DonorId = 0x4D414E4147455231;
    public const uint SessionId = 0x1A2B3C4D;
    public const ulong ImageId = 0xC8F5D0341D54D951;
    public const string ImageTypeHex = "1B1A3C6E4D3F0E4F9C642A5D8B1F7E10";

    public const string Request =
        "55524350010100000000010100000000000052540012345600300000" + "4FEDB831"
        + "1B1A3C6E4D3F0E4F9C642A5D8B1F7E10" + "00010001" + "00010000" + "525400123456" + "05C0"
        + "C0A86414" + "0000000000000000" + "01" + "07" + "0000";

    public const string Offer =
        "5552435001020000000002011A2B3C4D4D414E414745523100380000" + "8942BFF8"
        + "00000101" + "C8F5D0341D54D951" + "1B1A3C6E4D3F0E4F9C642A5D8B1F7E10" + "00010002" + "00010000"
        + "00002710" + "00000007" + "0598" + "9CBC" + "C0A864FF" + "01" + "03" + "0000";

    public const string Accept =
        "5552435001030000000001021A2B3C4D000052540012345600100000" + "6C4C5E30"
        + "00000201" + "C8F5D0341D54D951" + "00000000";

    public const string Data =
        "5552435001040000000002021A2B3C4D4D414E414745523100180000" + "F3C40EED"
        + "00000003" + "0001" + "0000" + "000102030405060708090A0B0C0D0E0F";

    public const string StatusRequest =
        "5552435001050000000002031A2B3C4D4D414E414745523100100000" + "A5CFD52E"
        + "00000001" + "01F4" + "0080" + "0000000000000000";

    public const string StatusRanges =
        "5552435001060000000001031A2B3C4D000052540012345600200000" + "B60FCAA3"
        + "00000001" + "01" + "00" + "0002" + "00000004" + "00000001"
        + "00000001" + "00000001" + "00000004" + "00000002";

    public const string StatusComplete =
        "5552435001060000000001041A2B3C4D000052540012345600100000" + "43B676D6"
        + "00000002" + "00" + "00" + "0000" + "00000007" + "00000001";

    public const string StatusBitmap =
        "5552435001060000000001051A2B3C4D000052540012345600150000" + "B24AD717"
        + "00000001" + "02" + "00" + "0001" + "00000004" + "00000001" + "00000000" + "32";

    public const string Result =
        "5552435001070000000001061A2B3C4D000052540012345600100000" + "110AFA9D"
        + "C8F5D0341D54D951" + "00" + "00" + "0000" + "00010002";

    public const string ResultAck =
        "5552435001080000000002041A2B3C4D4D414E414745523100040000" + "EFDB33B9" + "00000106";

    public const string Abort =
        "5552435001090000000002051A2B3C4D4D414E414745523100040000" + "B50DB525" + "0001" + "0000";

    /// <summary>Every example, as [Theory] rows: name and hex.</summary>
    public static Xunit.TheoryData<string, string> All()
    {
        return new Xunit.TheoryData<string, string>
        {
            { "REQUEST", Request },
            { "OFFER", Offer },
            { "ACCEPT", Accept },
            { "DATA", Data },
            { "STATUS_REQUEST", StatusRequest },
            { "STATUS ranges", StatusRanges },
            { "STATUS complete", StatusComplete },
            { "STATUS bitmap", StatusBitmap },
            { "RESULT", Result },
            { "RESULT_ACK", ResultAck },
            { "ABORT", Abort },
        };
    }

    public static byte[] Bytes(string hex)
    {
        return Convert.FromHexString(hex);
    }
}
