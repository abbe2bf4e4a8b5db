using System;
using System.Collections.Generic;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>How the guest is (or is not) connected to a network.</summary>
public sealed class NicSetup
{
    private enum Backend { None, Tap, User }

    private readonly Backend _backend;

    public NicModel Model { get; }

    /// <summary>The host tap interface (Tap only). It must exist in the namespace QEMU runs in.</summary>
    public string? TapInterface { get; }

    private NicSetup(Backend backend, NicModel model, string? tapInterface)
    {
        _backend = backend;
        Model = model;
        TapInterface = tapInterface;
    }

    /// <summary>No NIC at all (<c>-nic none</c>): otherwise q35 adds a default NIC and OVMF tries PXE.</summary>
    public static NicSetup None { get; } = new(Backend.None, NicModel.VirtioNetOvmfDriver, null);

    /// <summary>A NIC on an existing host tap device; QEMU runs no up/down scripts.</summary>
    public static NicSetup Tap(string tapInterface, NicModel model = NicModel.VirtioNetOvmfDriver)
    {
        if (string.IsNullOrEmpty(tapInterface) || tapInterface.Length > 15 || tapInterface.Contains(','))
        {
            throw new ArgumentException("A tap interface name has 1..15 characters and no ',': " + tapInterface);
        }
        return new NicSetup(Backend.Tap, model, tapInterface);
    }

    /// <summary>
    /// QEMU's user-mode (slirp) network, with <c>restrict=on</c> so the guest can reach nothing
    /// outside QEMU's own virtual DHCP/DNS host.
    /// </summary>
    public static NicSetup User(NicModel model = NicModel.VirtioNetOvmfDriver) => new(Backend.User, model, null);

    public bool HasNic => _backend != Backend.None;

    internal void AppendArguments(List<string> arguments, string macAddress)
    {
        switch (_backend)
        {
            case Backend.None:
                arguments.Add("-nic");
                arguments.Add("none");
                return;
            case Backend.Tap:
                arguments.Add("-netdev");
                arguments.Add($"tap,id=net0,ifname={TapInterface},script=no,downscript=no");
                break;
            case Backend.User:
                arguments.Add("-netdev");
                arguments.Add("user,id=net0,restrict=on");
                break;
        }
        arguments.Add("-device");
        arguments.Add(Model switch
        {
            NicModel.VirtioNetOvmfDriver => $"virtio-net-pci,netdev=net0,mac={macAddress},romfile=",
            NicModel.VirtioNetIpxe => $"virtio-net-pci,netdev=net0,mac={macAddress}",
            NicModel.E1000 => $"e1000,netdev=net0,mac={macAddress}",
            _ => throw new ArgumentOutOfRangeException(nameof(Model), Model, "unknown NIC model"),
        });
    }

    public override string ToString() => _backend switch
    {
        Backend.None => "none",
        Backend.Tap => $"tap {TapInterface} ({Model})",
        _ => $"user-mode ({Model})",
    };
}
