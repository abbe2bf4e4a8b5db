using System;

namespace UefiRecovery.Efi.Tests.Uefi.Smbios;

/// <summary>
/// SMBIOS bytes for the reader's tests. The "Qemu72" vectors are real: dumped over the serial
/// console by an EFI app built on these bindings, running in QEMU 7.2 (q35, TCG) with Debian's
/// OVMF 2022.11 and <c>-smbios type=11,value=uefirecovery:mode=selftest,value=second=value</c>,
/// once with the default 32-bit entry point and once with <c>smbios-entry-point-type=64</c>.
/// Ten structures each: types 1, 3, 4, 11, 16, 17, 19, 32 from QEMU, type 0 and the End-of-Table
/// (handle FEFFh) added by OVMF. The two tables differ only in the type 4 length (2Ah vs 30h).
/// The short fragments below them are hand-assembled from DSP0134 3.7 tables for edge cases.
/// </summary>
internal static class SmbiosVectors
{
    /// <summary>The 32-bit "_SM_" entry point of the first run: 2.8, TableLength 1ADh at 0F51F000h, 10 structures.</summary>
    public const string Qemu72EntryPoint21 = "5F534D5F2E1F02084B000000000000005F444D495F38AD0100F0510F0A0028";

    /// <summary>The 64-bit "_SM3_" entry point of the second run: 3.0, TableMaximumSize 1B3h at 0F51D000h.</summary>
    public const string Qemu72EntryPoint30 = "5F534D335F6F180300000100B301000000D0510F00000000";

    public const string Qemu72Table32 =
        "011B0001010203000000000000000000000000000000000006000051454D55005374616E646172642050432028513335" +
        "202B20494348392C2032303039290070632D7133352D372E320000031600030101020000030303020000000000000000" +
        "0051454D550070632D7133352D372E320000042A000401030102B10F0600FDFB8B0703000000D007D0074101FFFFFFFF" +
        "FFFF0000000101010200010043505520300051454D550070632D7133352D372E3200000B05000E02756566697265636F" +
        "766572793A6D6F64653D73656C6674657374007365636F6E643D76616C756500001017001001030600000400FEFF0100" +
        "00000000000000000000112800110010FEFFFFFFFFFF0001090001000702000000020000000000000000000000000000" +
        "000044494D4D20300051454D550000131F001300000000FFFF0300001001000000000000000000000000000000000000" +
        "200B0020000000000000000000001A0000010200E803000800000000000000001C0000FFFF000045464920446576656C" +
        "6F706D656E74204B6974204949202F204F564D4600302E302E300030322F30362F3230313500007F04FFFE0000";

    public const string Qemu72Table64 =
        "011B0001010203000000000000000000000000000000000006000051454D55005374616E646172642050432028513335" +
        "202B20494348392C2032303039290070632D7133352D372E320000031600030101020000030303020000000000000000" +
        "0051454D550070632D7133352D372E3200000430000401030102B10F0600FDFB8B0703000000D007D0074101FFFFFFFF" +
        "FFFF0000000101010200010001000100010043505520300051454D550070632D7133352D372E3200000B05000E027565" +
        "66697265636F766572793A6D6F64653D73656C6674657374007365636F6E643D76616C75650000101700100103060000" +
        "0400FEFF010000000000000000000000112800110010FEFFFFFFFFFF0001090001000702000000020000000000000000" +
        "000000000000000044494D4D20300051454D550000131F001300000000FFFF0300001001000000000000000000000000" +
        "000000000000200B0020000000000000000000001A0000010200E803000800000000000000001C0000FFFF0000454649" +
        "20446576656C6F706D656E74204B6974204949202F204F564D4600302E302E300030322F30362F3230313500007F04FF" +
        "FE0000";

    /// <summary>Structure types of both tables, in table order.</summary>
    public static readonly byte[] Qemu72Types = { 1, 3, 4, 11, 16, 17, 19, 32, 0, 127 };

    /// <summary>Type 0, BIOS Information (§7.1, Table 6), length 18h, three strings.</summary>
    public const string BiosInformation =
        "0018" + "0000" + "01" + "02" + "00E8" + "03" + "00" + "0800000000000000" + "001C" + "0000" + "FFFF" +
        "45464920446576656C6F706D656E74204B6974204949202F204F564D4600" + // "EFI Development Kit II / OVMF"
        "302E302E3000" +                                                 // "0.0.0"
        "30322F30362F3230313500" +                                       // "02/06/2015"
        "00";

    /// <summary>Type 1, System Information (§7.2, Table 10), length 1Bh, three strings, serial number absent (0).</summary>
    public const string SystemInformation =
        "011B" + "0001" + "01" + "02" + "03" + "00" + "00000000000000000000000000000000" + "06" + "00" + "00" +
        "51454D5500" +                                                     // "QEMU"
        "5374616E646172642050432028513335202B20494348392C20323030392900" + // "Standard PC (Q35 + ICH9, 2009)"
        "70632D7133352D372E3200" +                                         // "pc-q35-7.2"
        "00";

    /// <summary>Type 11, OEM Strings (§7.12, Table 31), Count 2.</summary>
    public const string OemStrings =
        "0B05" + "000E" + "02" +
        "756566697265636F766572793A6D6F64653D73656C667465737400" + // "uefirecovery:mode=selftest"
        "7365636F6E643D76616C756500" +                             // "second=value"
        "00";

    /// <summary>Type 127, End-of-Table (§7.45), no strings.</summary>
    public const string EndOfTable = "7F04" + "FFFE" + "0000";

    /// <summary>The hand-assembled fragments as one table: types 0, 1, 11, 127 (48h + 4Bh + 2Eh + 6 bytes).</summary>
    public static byte[] HandBuiltTable() => Convert.FromHexString(BiosInformation + SystemInformation + OemStrings + EndOfTable);

    public static byte[] Qemu72Table32Bytes() => Convert.FromHexString(Qemu72Table32);

    public static byte[] Qemu72Table64Bytes() => Convert.FromHexString(Qemu72Table64);
}
