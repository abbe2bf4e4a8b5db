using System;
using System.Collections.Generic;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// The network of an end-to-end test: a namespace of its own, a bridge holding the host's address (where the
/// manager listens unless it sits behind a port), and a tap for the machine; more taps on request. Everything is
/// deleted on Dispose.
/// </summary>
internal sealed class E2eSegment : IDisposable
{
    private E2eSegment(NetworkNamespace ns, string bridge, string tap)
    {
        Namespace = ns;
        Bridge = bridge;
        Tap = tap;
    }

    public NetworkNamespace Namespace { get; }

    public string Bridge { get; }

    /// <summary>The first machine's tap.</summary>
    public string Tap { get; }

    public static E2eSegment Create(string namespacePrefix = E2eRecoveryLab.NamespacePrefix, string bridgeAddress = E2eRecoveryLab.HostAddress)
    {
        NetworkNamespace ns = NetworkNamespace.Create(namespacePrefix);
        try
        {
            string bridge = ns.AddBridge(ns.DeviceName("br"), bridgeAddress + "/24");
            string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
            return new E2eSegment(ns, bridge, tap);
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Another tap on the bridge, for another machine.</summary>
    public string AddTap(string role) => Namespace.AddTap(Namespace.DeviceName(role), Bridge);

    /// <summary>
    /// A machine on <paramref name="tap"/> (default: <see cref="Tap"/>) with OVMF's virtio-net driver, QEMU running in the
    /// segment's namespace; <paramref name="varsTemplate"/> null starts from Debian's pristine vars.
    /// <paramref name="extraArguments"/> go after the standard QEMU arguments (a test BMC's KCS device). <paramref name="arch"/>
    /// null: x64 (OVMF); on arm64 (AAVMF) the NIC is its VirtioNetDxe's. <paramref name="nic"/> null: OVMF's VirtioNetDxe; a test
    /// over each NIC setup gives iPXE's SNP on virtio or on e1000 (x64 only).
    /// </summary>
    public QemuMachine Machine(string runDirectory, IBootDisk esp, IReadOnlyList<string> oemStrings, TimeSpan timeout,
        string? varsTemplate = null, string mac = QemuMachineOptions.DefaultMacAddress, string? tap = null,
        IReadOnlyList<string>? extraArguments = null, QemuArch? arch = null, NicModel? nic = null) =>
        new(new QemuMachineOptions
        {
            Arch = arch ?? QemuArch.X64,
            BootDisk = esp,
            RunDirectory = runDirectory,
            Nic = NicSetup.Tap(tap ?? Tap, nic ?? NicModel.VirtioNetOvmfDriver),
            MacAddress = mac,
            NetworkNamespace = Namespace.Name,
            OemStrings = oemStrings,
            Timeout = timeout,
            VarsTemplatePath = varsTemplate,
            ExtraArguments = extraArguments ?? Array.Empty<string>(),
        });

    public void Dispose() => Namespace.Dispose();
}
