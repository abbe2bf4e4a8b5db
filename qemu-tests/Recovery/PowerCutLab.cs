using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Shared setup of <see cref="PowerCutRecoveryTests"/> for one architecture, made once for all its rows: the signed
/// capsule of the region, one ESP image to copy, a namespace with the real manager serving it, and per write mode a
/// traced reference recovery from which the cut points are chosen (<see cref="PlanAsync"/>). x64: the region is
/// Debian's pristine OVMF vars, and every boot starts from that file. arm64: a first boot lets AAVMF format Debian's
/// all-zero AAVMF_VARS.fd; the region is the first 0xC0000 bytes of that flash, every boot starts from it, and the
/// machine's target is BOOTAA64.EFI's default, AAVMF's region (no target line). Every row is its own machine (MAC
/// and address), cut and then booted again with the same identity.
/// </summary>
public sealed class PowerCutLab : IDisposable
{
    /// <summary>
    /// strace attaches when recovery starts the network (the firmware's own boot, traced, would cost more than the rest
    /// of the test); until it has attached, the lab's gate (<see cref="TracedBootAsync"/>) keeps every frame of the
    /// machine from the bridge, so no OFFER, no image and no flash write can come before the tracer, however late
    /// the host reads the console.
    /// </summary>
    public static readonly Regex TraceFrom = new("^RECOVERY PHASE network$");

    private const string GateTable = "pcgate";

    /// <summary>The seed of the chosen cut points (printed with every row).</summary>
    public const int Seed = 11;

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, PowerCutPlan> _plans = new();
    private E2eSegment? _segment;
    private NamespaceProcess? _manager;
    private int _machines;
    private string _espTemplate = "";
    private string? _varsTemplate;
    private byte[] _flashAfterRegion = Array.Empty<byte>();

    public PowerCutLab(QemuArch arch) => Arch = arch;

    public QemuArch Arch { get; }

    public string RunDirectory { get; private set; } = "";

    /// <summary>The region's correct contents (what the capsule carries).</summary>
    public byte[] Payload { get; private set; } = Array.Empty<byte>();

    /// <summary>The region's erase block: OVMF's 4 KiB, AAVMF's 256 KiB.</summary>
    public int BlockSize => Arch == QemuArch.Arm64 ? 0x40000 : FlashWrite.BlockSize;

    public string ResultsPath => Path.Combine(RunDirectory, "results.jsonl");

    public string ManagerOutput => _manager?.Output ?? "";

    /// <summary>Builds what every row needs, once (the first row pays for it).</summary>
    public async Task EnsureStartedAsync()
    {
        await _lock.WaitAsync();
        try
        {
            if (_manager != null)
            {
                return;
            }
            RunDirectory = TestEnvironment.NewRunDirectory("rcv-powercut-" + Arch.Name);
            _espTemplate = Path.Combine(RunDirectory, "esp-template.img");
            new EspBuilder().WithBootApplication(EfiAppBinary.Require(Arch), Arch.EspBootPath).BuildFatImage(_espTemplate);
            _segment = E2eSegment.Create(Arch == QemuArch.Arm64 ? "pcuta" : E2eRecoveryLab.NamespacePrefix);
            string images;
            if (Arch == QemuArch.Arm64)
            {
                (Payload, images) = await FormattedAavmfRegionAsync();
            }
            else
            {
                (Payload, images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(RunDirectory);
            }
            _manager = await RecoveryManager.ServeAsync(_segment.Namespace, E2eRecoveryLab.Serve(images, ResultsPath, gatherSeconds: 0));
        }
        finally
        {
            _lock.Release();
        }
    }

    // A first boot (banner only) lets AAVMF format the all-zero flash, with the devices every later boot has (the ESP and
    // the NIC at the same slots: AAVMF keeps that boot's options). That flash is every machine's start; its region the payload.
    private async Task<(byte[] Payload, string Images)> FormattedAavmfRegionAsync()
    {
        string directory = Path.Combine(RunDirectory, "0-format");
        QemuMachine format = Machine(directory, NewEsp(directory), QemuMachineOptions.DefaultMacAddress,
            new[] { EfiAppConsole.DebugExitOemString }, null, TimeSpan.FromMinutes(3));
        (QemuExit exit, SerialLog serial) = await format.RunToExitAsync();
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^UefiRecovery ")), "the banner of the formatting boot",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        _varsTemplate = Path.Combine(RunDirectory, "formatted-vars.fd");
        File.Copy(exit.VarsPath, _varsTemplate, overwrite: true);
        byte[] flash = File.ReadAllBytes(_varsTemplate);
        byte[] payload = flash.AsSpan(0, Arm64RegionLength).ToArray();
        _flashAfterRegion = flash.AsSpan(Arm64RegionLength).ToArray();
        string payloadPath = Path.Combine(RunDirectory, "payload-aavmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(RunDirectory, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "aavmf-vars.cap"));
        return (payload, images);
    }

    private const int Arm64RegionLength = 0xC0000;

    /// <summary>A copy of the ESP image (app, no marker) for one machine's boots.</summary>
    public EspImage NewEsp(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "esp.img");
        File.Copy(_espTemplate, path, overwrite: true);
        return new EspImage(path);
    }

    /// <summary>A MAC and address no earlier boot of this lab used.</summary>
    public (string Mac, string Address) NextMachine()
    {
        int n = Interlocked.Increment(ref _machines);
        return (string.Format(CultureInfo.InvariantCulture, "52:54:00:12:35:{0:x2}", n), E2eRecoveryLab.Subnet + "." + (20 + n));
    }

    /// <summary>
    /// OEM strings of a machine of this lab: the E2E ones, the write mode, the per-block debug lines, and
    /// discovery=manager (the offer window closes once the one manager has offered: 0.7 s less per boot).
    /// </summary>
    public List<string> OemStrings(string recoveryMode, string address, string writeMode)
    {
        var strings = new List<string>(E2eRecoveryLab.MachineOemStrings(recoveryMode, address))
        {
            "uefirecovery.flash.write=" + writeMode,
            "uefirecovery.log=debug",
            "uefirecovery.discovery=manager",
            "uefirecovery.timeout.request-backoff=1",
        };
        return strings;
    }

    /// <summary>A machine of this lab on the lab's tap; <paramref name="varsTemplate"/> null: the lab's starting flash.</summary>
    public QemuMachine Machine(string runDirectory, EspImage esp, string mac, IReadOnlyList<string> oemStrings, string? varsTemplate,
        TimeSpan timeout, FlashWriteTracing? tracing = null) => new(new QemuMachineOptions
        {
            Arch = Arch,
            BootDisk = esp,
            RunDirectory = runDirectory,
            Nic = NicSetup.Tap(_segment!.Tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = _segment.Namespace.Name,
            MacAddress = mac,
            OemStrings = oemStrings,
            VarsTemplatePath = varsTemplate ?? _varsTemplate,
            FlashTracing = tracing,
            Timeout = timeout,
        });

    /// <summary>A copy of the flash every machine of this lab starts from: Debian's pristine OVMF vars, or the flash AAVMF formatted.</summary>
    public byte[] StartingFlash() => File.ReadAllBytes(_varsTemplate ?? PristineVars.Path);

    /// <summary>The region of a flash file: the whole OVMF vars file, AAVMF's first 0xC0000 bytes.</summary>
    public ReadOnlySpan<byte> Region(byte[] flash) => flash.AsSpan(0, Payload.Length);

    /// <summary>Null when <paramref name="flash"/> holds the payload in its region and (arm64) the rest of the device unchanged; else why not.</summary>
    public string? PayloadMismatch(byte[] flash)
    {
        if (flash.Length != Payload.Length + _flashAfterRegion.Length)
        {
            return $"the flash file has {flash.Length} bytes, not {Payload.Length + _flashAfterRegion.Length}";
        }
        if (!Region(flash).SequenceEqual(Payload))
        {
            return "the region differs from the payload in blocks " + FlashBlocks.Differing(Payload, Region(flash).ToArray(), BlockSize);
        }
        return flash.AsSpan(Payload.Length).SequenceEqual(_flashAfterRegion) ? null : "the flash beyond the region changed";
    }

    /// <summary>
    /// The reference for <paramref name="writeMode"/> (once): a forced recovery from the lab's starting flash under
    /// strace (no cut), which must recover byte-exact; its trace and FLASH lines locate the app's write, and the cut
    /// points are chosen from it.
    /// </summary>
    public async Task<PowerCutPlan> PlanAsync(string writeMode)
    {
        await EnsureStartedAsync();
        await _lock.WaitAsync();
        try
        {
            if (_plans.TryGetValue(writeMode, out PowerCutPlan? known))
            {
                return known;
            }
            string directory = Path.Combine(RunDirectory, "reference-" + writeMode);
            (string mac, string address) = NextMachine();
            string trace = Path.Combine(directory, "flash-writes.trace");
            Directory.CreateDirectory(directory);
            QemuMachine machine = Machine(directory, NewEsp(directory), mac, OemStrings("recover", address, writeMode), null,
                TimeSpan.FromMinutes(5), new FlashWriteTracing { TracePath = trace, AttachOn = TraceFrom });
            (QemuExit exit, SerialLog serial) = await TracedBootAsync(machine);
            BootAssert.NotNull(serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")), exit,
                "the traced reference recovery (" + writeMode + ")\nmanager:\n" + ManagerOutput);
            string? mismatch = PayloadMismatch(File.ReadAllBytes(exit.VarsPath));
            BootAssert.True(mismatch == null, exit, "reference recovery byte-exact: " + mismatch);
            PowerCutPlan plan = PowerCutPlan.FromReference(Arch, writeMode, FlashWriteTrace.Read(trace), serial, exit, Seed);
            File.WriteAllText(Path.Combine(directory, "plan.txt"), plan.Describe());
            _plans[writeMode] = plan;
            return plan;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// One boot whose flash writes strace traces from <see cref="TraceFrom"/> on: the machine's frames are dropped
    /// on the bridge (nftables, bridge family, in front of the tap) until strace has attached, then let through;
    /// the app asks the manager again every second meanwhile. Fails the test when strace did not attach.
    /// </summary>
    public async Task<(QemuExit Exit, SerialLog Serial)> TracedBootAsync(QemuMachine machine)
    {
        NetworkNamespace ns = _segment!.Namespace;
        ns.ExecChecked("nft", "add", "table", "bridge", GateTable);
        ns.ExecChecked("nft", "add", "chain", "bridge", GateTable, "in", "{ type filter hook prerouting priority 0; }");
        ns.ExecChecked("nft", "add", "rule", "bridge", GateTable, "in", "iifname", _segment.Tap, "counter", "drop");
        try
        {
            await using QemuRun run = machine.Start();
            Task<QemuExit> exited = run.WaitForExitAsync();
            bool attached = false;
            string messages = "strace did not start: no '" + TraceFrom + "' line";
            if (await Task.WhenAny(run.FlashTracerStarted!, exited) == run.FlashTracerStarted)
            {
                FlashWriteTracer tracer = await run.FlashTracerStarted!;
                attached = await tracer.Attached;
                messages = tracer.Messages;
            }
            ns.Exec("nft", "delete", "table", "bridge", GateTable);
            QemuExit exit = await exited;
            BootAssert.True(attached, exit, "strace attached to QEMU before the gate opened:\n" + messages);
            return (exit, run.Serial);
        }
        finally
        {
            ns.Exec("nft", "delete", "table", "bridge", GateTable);
        }
    }

    public void Dispose()
    {
        _manager?.Dispose();
        _segment?.Dispose();
        _lock.Dispose();
    }
}
