using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using UefiRecovery.Agent.Instructions;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Agent.Tests;

/// <summary>
/// A machine as the agent sees it, in a temporary directory: efivars/, dmi/ (product_uuid, bios_version),
/// net/ (lo, eth0), block/ and dev/ with a real GPT disk image made by sfdisk (util-linux, Debian package
/// fdisk), keys/ with the manager's public instruction key, state/. Everything the agent writes lands here.
/// </summary>
internal sealed class FakeMachine : IDisposable
{
    public const string Uuid = "5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41";
    public const ulong Mac = 0x525400123456;
    public const string BiosVersion = "edk2-stable202211";
    public const string EspUuid = "6A3B2C1D-4E5F-4A6B-8C7D-9E0F1A2B3C4D";
    public const uint EspStart = 2048;
    public const uint EspSize = 8192;

    /// <summary>The manager's instruction key, shared by the tests (RSA-2048 generation is slow).</summary>
    public static readonly RSA ManagerKey = RSA.Create(2048);

    public FakeMachine()
    {
        Root = Directory.CreateTempSubdirectory("agent-test-").FullName;
        Directory.CreateDirectory(Efivars);
        Directory.CreateDirectory(State);
        Directory.CreateDirectory(Keys);
        WriteText("dmi/product_uuid", Uuid + "\n");
        WriteText("dmi/bios_version", BiosVersion + "\n");
        WriteText("net/lo/address", "00:00:00:00:00:00\n");
        WriteText("net/eth0/address", "52:54:00:12:34:56\n");
        WriteText("block/vda/queue/logical_block_size", "512\n");
        WriteText("block/vda/vda1/partition", "1\n");
        WriteText("block/vda/vda1/start", EspStart + "\n");
        WriteText("block/vda/vda1/size", EspSize + "\n");
        WriteText("block/vda/vda2/partition", "2\n");
        WriteText("block/vda/vda2/start", "10240\n");
        WriteText("block/vda/vda2/size", "4096\n");
        MakeGptDisk(Path.Combine(Root, "dev", "vda"),
            "start=2048, size=8192, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=" + EspUuid + ", name=\"ESP\"\n"
            + "start=10240, size=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=1B2C3D4E-5F60-4172-8394-A5B6C7D8E9F0, name=\"root\"\n");
        File.WriteAllText(Path.Combine(Keys, "manager.pem"), ManagerKey.ExportSubjectPublicKeyInfoPem());
        Options = new AgentOptions
        {
            KeyDirectory = Keys,
            StateDirectory = State,
            EfivarsRoot = Efivars,
            DmiRoot = Path.Combine(Root, "dmi"),
            NetRoot = Path.Combine(Root, "net"),
            BlockRoot = Path.Combine(Root, "block"),
            DevRoot = Path.Combine(Root, "dev"),
            EspMount = Path.Combine(Root, "esp"),
        };
    }

    public string Root { get; }
    public string Efivars => Path.Combine(Root, "efivars");
    public string State => Path.Combine(Root, "state");
    public string Keys => Path.Combine(Root, "keys");
    public AgentOptions Options { get; }
    public RecordingSender Sender { get; } = new RecordingSender();
    public CountingRebooter Rebooter { get; } = new CountingRebooter();
    public StringWriter Log { get; } = new StringWriter();
    public DateTimeOffset Now { get; set; } = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A handler as Program builds it, over this machine's directories (a new one = an agent restart).</summary>
    public InstructionHandler Handler()
    {
        Assert.True(Program.TryLoadKeys(Keys, out List<InstructionKey> keys, out string error), error);
        var verifier = new InstructionVerifier(keys, new CounterStore(State), new FixedTime(this));
        return new InstructionHandler(Options, verifier, Sender, Rebooter, Log);
    }

    public HandleOutcome Deliver(byte[] datagram) => Handler().Handle(datagram, new IPEndPoint(IPAddress.Parse("192.168.100.1"), 40123));

    public void WriteText(string relative, string text)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Every file under the root with its bytes (the disk image excluded): what "nothing changed" compares.</summary>
    public SortedDictionary<string, string> Snapshot()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.GetFiles(Root, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(Root, path)] = Convert.ToHexString(File.ReadAllBytes(path));
        }
        return files;
    }

    public byte[] Variable(string fileName) => File.ReadAllBytes(Path.Combine(Efivars, fileName));

    public static void MakeGptDisk(string path, string partitions)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (FileStream disk = File.Create(path))
        {
            disk.SetLength(16384L * 512);
        }
        string sfdisk = new[] { "/usr/sbin/sfdisk", "/sbin/sfdisk" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("sfdisk not found: install the Debian package fdisk (.ci/packages.txt)");
        var start = new ProcessStartInfo(sfdisk, new[] { "--no-reread", "--no-tell-kernel", "--quiet", path })
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        process.StandardInput.Write("label: gpt\nunit: sectors\nfirst-lba: 2048\n" + partitions);
        process.StandardInput.Close();
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "sfdisk: " + error);
    }

    public void Dispose()
    {
        foreach (string path in Directory.GetFiles(Root, "*", SearchOption.AllDirectories))
        {
            Process.Start("chattr", new[] { "-i", path })?.WaitForExit();
        }
        Directory.Delete(Root, recursive: true);
    }

    private sealed class FixedTime : TimeProvider
    {
        private readonly FakeMachine _machine;
        public FixedTime(FakeMachine machine) => _machine = machine;
        public override DateTimeOffset GetUtcNow() => _machine.Now;
    }
}

internal sealed class RecordingSender : IReportSender
{
    public List<(byte[] Datagram, IPEndPoint Destination)> Sent { get; } = new();
    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => Sent.Add((datagram.ToArray(), destination));
}

internal sealed class CountingRebooter : IRebooter
{
    public int Reboots { get; private set; }
    public bool Fail { get; set; }

    public bool TryReboot(out string error)
    {
        error = Fail ? "test: reboot refused" : "";
        if (!Fail)
        {
            Reboots++;
        }
        return !Fail;
    }
}

/// <summary>Signed instructions as the manager would send them (the codec emits, .NET's RSA signs).</summary>
internal static class Instructions
{
    public const ulong Id = 0x1122334455667788;
    public static readonly ulong Expiry = (ulong)new DateTimeOffset(2026, 12, 6, 13, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static InstructionMessage Message(ulong counter = 5, ulong mac = FakeMachine.Mac, string uuid = FakeMachine.Uuid, ulong? expiry = null, ulong id = Id)
    {
        Assert.True(Machine.MachineIdentity.TryParseUuid(uuid, out SystemUuid systemUuid));
        ImageTypeId.TryRead(Convert.FromHexString("1B1A3C6E4D3F0E4F9C642A5D8B1F7E10"), out ImageTypeId type);
        return new InstructionMessage(id, counter, expiry ?? Expiry, mac, systemUuid, type, 0x00010002,
            ManagerList.Of(new DatagramEndpoint(0xC0A86401, 40123)));
    }

    public static byte[] Signed(in InstructionMessage message, RSA? key = null)
    {
        key ??= FakeMachine.ManagerKey;
        byte[] datagram = new byte[InstructionSignature.DatagramLength];
        byte[] modulus = key.ExportParameters(false).Modulus!;
        Assert.Equal(WireStatus.Ok, message.TryBeginEmit(datagram, new MessageIds(0x301, 0, 0x4D414E4147455231), modulus));
        byte[] digest = new byte[32];
        Assert.True(InstructionSignature.TryComputeDigest(datagram, new Core.Crypto.Sha256(), digest));
        byte[] signature = key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.Equal(WireStatus.Ok, InstructionSignature.TryFinish(datagram, signature, out int written));
        Assert.Equal(datagram.Length, written);
        return datagram;
    }

    public static void FixCrc(byte[] datagram)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(MessageHeader.CrcOffset), MessageHeader.ComputeMessageCrc(datagram));
    }
}
