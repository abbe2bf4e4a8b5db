using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Shared setup of <see cref="PowerCutRecoveryTests"/>, made once for all its rows: the signed capsule of
/// Debian's pristine OVMF vars, one ESP image to copy, a namespace with the real manager serving it, and per
/// write mode a traced reference recovery from which the cut points are chosen (<see cref="PlanAsync"/>).
/// Every row is its own machine (MAC and address), cut and then booted again with the same identity.
/// </summary>
public sealed class PowerCutLab : IDisposable
{
    /// <summary>Bytes at the start of block 0 that OVMF 2022.11 checks before it boots: FV header (0x48) and store header through State (0x5D).</summary>
    public const int BootCriticalHeaderBytes = 0x5E;

    /// <summary>
    /// strace attaches when recovery starts the network (OVMF's own boot, traced, would cost more than the rest of
    /// the test); until it has attached, the lab's gate (<see cref="TracedBootAsync"/>) keeps every frame of the
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

    public string RunDirectory { get; private set; } = "";

    public byte[] Payload { get; private set; } = Array.Empty<byte>();

    public string ResultsPath => Path.Combine(RunDirectory, "results.jsonl");

    public string ManagerOutput => _manager?.Output ?? "";

    private string _espTemplate = "";

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
            RunDirectory = TestEnvironment.NewRunDirectory("rcv-powercut");
            (byte[] payload, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(RunDirectory);
            Payload = payload;
            _espTemplate = Path.Combine(RunDirectory, "esp-template.img");
            E2eRecoveryLab.BuildEsp(_espTemplate, interruptedMarker: false);
            _segment = E2eSegment.Create();
            _manager = await RecoveryManager.ServeAsync(_segment.Namespace, E2eRecoveryLab.Serve(images, ResultsPath, gatherSeconds: 0));
        }
        finally
        {
            _lock.Release();
        }
    }

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
    public static List<string> OemStrings(string recoveryMode, string address, string writeMode)
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

    /// <summary>A machine of this lab on the lab's tap.</summary>
    public QemuMachine Machine(string runDirectory, EspImage esp, string mac, IReadOnlyList<string> oemStrings, string? varsTemplate,
        FlashWriteTracing? tracing, TimeSpan timeout) => new(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = runDirectory,
            Nic = NicSetup.Tap(_segment!.Tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = _segment.Namespace.Name,
            MacAddress = mac,
            OemStrings = oemStrings,
            VarsTemplatePath = varsTemplate,
            FlashTracing = tracing,
            Timeout = timeout,
        });

    /// <summary>
    /// The reference for <paramref name="writeMode"/> (once): a forced recovery from the pristine vars under strace
    /// (no cut), which must recover byte-exact; its trace and FLASH lines locate the app's write, and the ten cut
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
                new FlashWriteTracing { TracePath = trace, AttachOn = TraceFrom }, TimeSpan.FromMinutes(5));
            (QemuExit exit, SerialLog serial) = await TracedBootAsync(machine);
            BootAssert.NotNull(serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")), exit,
                "the traced reference recovery (" + writeMode + ")\nmanager:\n" + ManagerOutput);
            BootAssert.True(File.ReadAllBytes(exit.VarsPath).AsSpan().SequenceEqual(Payload), exit, "reference recovery byte-exact");
            PowerCutPlan plan = PowerCutPlan.FromReference(writeMode, FlashWriteTrace.Read(trace), serial, exit, Seed);
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
