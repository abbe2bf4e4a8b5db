using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Bmc;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Guest;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bmc;

/// <summary>
/// The test BMC against a real IPMI client (issue #14 item 5): Debian's kernel and ipmitool in a busybox initramfs
/// (testbed's <see cref="IpmitoolGuestBuilder"/>), booted once by OVMF through <c>-kernel</c> on a machine whose
/// QEMU KCS device (<c>isa-ipmi-kcs</c> behind <c>ipmi-bmc-extern</c>) is wired to <see cref="BmcSimulator"/>.
/// The kernel's ipmi_si finds the interface from QEMU's firmware tables, ipmi_devintf gives /dev/ipmi0, and
/// ipmitool's answers must be what the BMC was configured with: <c>mc info</c>'s Get Device ID fields, the OEM
/// parameter C0h's text reassembled from its sets (the set past the end refused with C9h), and the BLOB
/// GetCount/Enumerate answers in OpenBMC's layout (OEN, CRC-16 over the data, data), their CRC checked here with an
/// independent implementation.
/// </summary>
public sealed class IpmitoolCrossCheckTests
{
    private static readonly TimeSpan GuestTimeout = TimeSpan.FromMinutes(8);

    /// <summary>91 bytes: six sets (set 0 carries 14 bytes, each later set 16), the last one short.</summary>
    private static readonly string[] Settings =
    {
        "uefirecovery.manager=10.0.0.7:40123", "uefirecovery.manager=10.0.0.8", "uefirecovery.mode=netdiag",
    };

    private const string BlobId = "/recovery/image";

    private readonly ITestOutputHelper _output;

    public IpmitoolCrossCheckTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Ipmitool_LinuxGuestOnTestBmc_DeviceIdParameterTextAndBlobAnswersAsConfigured()
    {
        LinuxGuest guest = new IpmitoolGuestBuilder
        {
            CacheRoot = Path.Combine(TestEnvironment.Repo.ArtifactsDir, "guest-ipmitool"),
            PackageDirectory = Path.Combine(TestEnvironment.Repo.ArtifactsDir, "guest", "debs"),
        }.Build();
        string run = TestEnvironment.NewRunDirectory("bmc-ipmitool");
        _output.WriteLine("guest " + guest.ContentKey + " kernel " + guest.KernelRelease + ", run " + run);
        var responder = BmcResponder.WithSettings(Settings);
        responder.Blobs.Put(BlobId, Encoding.ASCII.GetBytes("staged image bytes"));
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);

        // One boot and no reset, so OVMF's fw_cfg kernel (-kernel) is enough; the empty ESP is only the machine's boot disk.
        string esp = Path.Combine(run, "esp");
        Directory.CreateDirectory(esp);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspFolder(esp),
            RunDirectory = run,
            Timeout = GuestTimeout,
            MemoryMiB = 512,
            ExtraArguments = bmc.QemuArguments().Concat(new[]
            {
                "-kernel", guest.KernelPath, "-initrd", guest.InitrdPath, "-append", "console=ttyS0 quiet loglevel=3",
            }).ToArray(),
        });
        QemuExit exit;
        await using (QemuRun qemu = machine.Start())
        {
            exit = await qemu.WaitForExitAsync();
        }
        string[] lines = exit.SerialText.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int userspace = Array.FindIndex(lines, l => l.StartsWith(IpmitoolGuestInitScript.LinePrefix, StringComparison.Ordinal));
        foreach (string line in lines.Skip(Math.Max(userspace, 0)))
        {
            _output.WriteLine(line);
        }
        // What the kernel driver and ipmitool asked, in first-seen order (the driver's own probes included).
        foreach (var command in bmc.Requests.GroupBy(r => (r.NetFn, r.Command)))
        {
            _output.WriteLine("BMC saw netfn=" + command.Key.NetFn.ToString("X2") + "h cmd=" + command.Key.Command.ToString("X2") + "h x" + command.Count());
        }
        Assert.True(lines.Any(l => Regex.IsMatch(l, IpmitoolGuestInitScript.DonePattern)),
            "the guest did not finish its ipmitool commands (exit " + exit.ExitCode + (exit.TimedOut ? ", timed out" : "") + ").\n" + exit.SerialText);
        Assert.Contains(IpmitoolGuestInitScript.DeviceLine, lines);

        // Get Device ID (App 01h): BmcResponder's device 20h, revision 1, firmware 1.00, IPMI 2.0, IANA 343, product 1.
        (int infoStatus, string[] info) = Section(lines, "mc-info");
        Assert.True(infoStatus == 0, "ipmitool mc info failed:\n" + string.Join("\n", info));
        Dictionary<string, string> fields = info.Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        Assert.Equal("32", fields["Device ID"]);
        Assert.Equal("1", fields["Device Revision"]);
        Assert.Equal("1.00", fields["Firmware Revision"]);
        Assert.Equal("2.0", fields["IPMI Version"]);
        Assert.Equal("343", fields["Manufacturer ID"]);
        Assert.Equal("Intel Corporation", fields["Manufacturer Name"]); // ipmitool's IANA registry, not the BMC
        Assert.Equal("1 (0x0001)", fields["Product ID"]);
        Assert.Equal("yes", fields["Device Available"]);
        Assert.Equal("no", fields["Provides Device SDRs"]);

        // Get System Info Parameters (App 59h) C0h: set 0 = revision 11h, set 0, encoding 0 (ASCII), length, 14 bytes;
        // set n = 11h, n, 16 bytes; the set past the text is refused with C9h (parameter out of range).
        string text = string.Join("\n", Settings);
        var reassembled = new List<byte>();
        int set = 0;
        for (; ; set++)
        {
            (int status, string[] body) = Section(lines, "param-c0-set-" + set);
            if (status != 0)
            {
                Assert.Contains(body, l => l.Contains("rsp=0xc9", StringComparison.Ordinal));
                break;
            }
            byte[] answer = RawBytes(body);
            Assert.Equal(0x11, answer[0]);
            Assert.Equal(set, answer[1]);
            if (set == 0)
            {
                Assert.Equal(0x00, answer[2]);
                Assert.Equal(text.Length, answer[3]);
                reassembled.AddRange(answer.Skip(4));
            }
            else
            {
                reassembled.AddRange(answer.Skip(2));
            }
        }
        Assert.Equal(1 + (text.Length - 14 + 15) / 16, set);
        Assert.Equal(text, Encoding.ASCII.GetString(reassembled.ToArray()));

        // BLOB GetCount (2Eh/80h, subcommand 0): OEN CFC200h, CRC-16 of the count, count = 1 (LSB first).
        (int countStatus, string[] countBody) = Section(lines, "blob-count");
        Assert.True(countStatus == 0, "BLOB GetCount failed:\n" + string.Join("\n", countBody));
        byte[] count = RawBytes(countBody);
        Assert.Equal(new byte[] { 0xCF, 0xC2, 0x00 }, count[..3]);
        Assert.Equal(new byte[] { 0x01, 0x00, 0x00, 0x00 }, count[5..]);
        Assert.Equal(AugmentedCcitt(count.AsSpan(5)), (ushort)(count[3] | count[4] << 8));

        // BLOB Enumerate index 0 (its request CRC checked by the BMC): the id, NUL-terminated, with its CRC.
        (int enumerateStatus, string[] enumerateBody) = Section(lines, "blob-enumerate-0");
        Assert.True(enumerateStatus == 0, "BLOB Enumerate failed:\n" + string.Join("\n", enumerateBody));
        byte[] enumerate = RawBytes(enumerateBody);
        Assert.Equal(new byte[] { 0xCF, 0xC2, 0x00 }, enumerate[..3]);
        Assert.Equal(BlobId + "\0", Encoding.ASCII.GetString(enumerate, 5, enumerate.Length - 5));
        Assert.Equal(AugmentedCcitt(enumerate.AsSpan(5)), (ushort)(enumerate[3] | enumerate[4] << 8));
        Assert.Equal(0, responder.Blobs.CrcErrors);
        Assert.Equal(0, bmc.ChecksumErrors);
    }

    /// <summary>
    /// CRC-16-CCITT as OpenBMC's BLOB spec uses it (poly 1021h, FFFFh augmented with two zero bytes), written in the
    /// direct form (initial value 1D0Fh, no augmentation) so it does not share code with the BMC's; check value E5CCh.
    /// </summary>
    private static ushort AugmentedCcitt(ReadOnlySpan<byte> data)
    {
        int crc = 0x1D0F;
        foreach (byte value in data)
        {
            crc ^= value << 8;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
        }
        return (ushort)crc;
    }

    [Fact]
    public void AugmentedCcitt_CheckString_E5CC() =>
        Assert.Equal(0xE5CC, AugmentedCcitt(Encoding.ASCII.GetBytes("123456789")));

    /// <summary>ipmitool's output between <c>begin NAME</c> and <c>end NAME status=N</c>, and N.</summary>
    private static (int Status, string[] Body) Section(string[] lines, string name)
    {
        int begin = Array.IndexOf(lines, IpmitoolGuestInitScript.LinePrefix + " begin " + name);
        Assert.True(begin >= 0, "no ipmitool section " + name);
        var end = new Regex("^" + IpmitoolGuestInitScript.LinePrefix + " end " + Regex.Escape(name) + " status=(?<status>[0-9]+)$");
        for (int i = begin + 1; i < lines.Length; i++)
        {
            Match match = end.Match(lines[i]);
            if (match.Success)
                return (int.Parse(match.Groups["status"].Value), lines[(begin + 1)..i]);
        }
        throw new Xunit.Sdk.XunitException("ipmitool section " + name + " has no end line");
    }

    /// <summary>The bytes <c>ipmitool raw</c> printed (" xx xx ..." lines, 16 a line); any other line fails the test.</summary>
    private static byte[] RawBytes(string[] body)
    {
        var bytes = new List<byte>();
        foreach (string line in body.Where(l => l.Length > 0))
        {
            Assert.Matches("^( [0-9a-f]{2})+$", line);
            bytes.AddRange(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => Convert.ToByte(h, 16)));
        }
        Assert.NotEmpty(bytes);
        return bytes.ToArray();
    }
}
