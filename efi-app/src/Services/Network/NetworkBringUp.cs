using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Config;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Services.Machine;
using UefiRecovery.Efi.Services.Config;
using UefiRecovery.Efi.Services.Entropy;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Efi.Services.Network;

/// <summary>
/// The network bring-up a mode needs before it can talk UDP, without netdiag's diagnostics: open the
/// first NIC exclusively through SNP (skipping UefiPxeBcDxe's aliases of the same interface, see
/// docs/netstack.md), build the interface, and get an address (static <c>uefirecovery.ip</c>, else DHCP).
/// Lines are printed under the caller's tag ("RECOVERY NIC ...", "RECOVERY LEASE ...").
/// </summary>
internal static unsafe class NetworkBringUp
{
    /// <summary>DISCOVERs at 4, 8, 16, 32 s fit in (same bound as netdiag).</summary>
    public const int DhcpWaitSeconds = 90;

    /// <summary>Opens the first distinct SNP interface that initializes; null (with a FAIL line) when none does.</summary>
    public static SnpFrameDevice? OpenFirstNic(void* imageHandle, SystemTable* systemTable, ReadOnlySpan<char> tag)
    {
        BootServices* boot = systemTable->BootServices;
        Span<char> line = stackalloc char[200];
        Span<char> mac = stackalloc char[20];
        EfiGuid guid = SimpleNetworkProtocol.Guid;
        nuint count = 0;
        void** handles = null;
        if (boot->LocateHandleBuffer(LocateSearchType.ByProtocol, &guid, null, &count, &handles).IsError || handles == null || count == 0)
        {
            new ConsoleLine(line).Append(tag).Append(" FAIL no SNP handle (no NIC, or no driver for it)").WriteLine(systemTable);
            return null;
        }
        SnpFrameDevice? opened = null;
        for (nuint i = 0; i < count && opened == null; i++)
        {
            if (IsAliasOfEarlier(boot, imageHandle, handles, i))
                continue;
            SnpOpenStatus status = SnpFrameDevice.TryOpen(boot, imageHandle, handles[i], out SnpFrameDevice? device, out EfiStatus efiStatus);
            if (status != SnpOpenStatus.Ok || device == null)
            {
                new ConsoleLine(line).Append(tag).Append(" NIC-SKIPPED handle=").AppendDecimal((ulong)i)
                    .Append(" status=").AppendHex((ulong)efiStatus.Value).WriteLine(systemTable);
                continue;
            }
            device.RefreshMediaState();
            new ConsoleLine(line).Append(tag).Append(" NIC mac=").Append(NetText.Mac(device.MacAddress.Value, mac))
                .Append(" mtu=").AppendDecimal((ulong)device.Mode->MaxPacketSize).WriteLine(systemTable);
            opened = device;
        }
        boot->FreePool(handles);
        if (opened == null)
            new ConsoleLine(line).Append(tag).Append(" FAIL no SNP handle could be opened exclusively and initialized").WriteLine(systemTable);
        else
            EntropySource.EnsureGathered(systemTable);   // the ENTROPY line, before any seed is taken
        return opened;
    }

    /// <summary>An interface over <paramref name="device"/>, seeded from the boot's entropy mixed with the MAC and counters.</summary>
    public static Interface CreateInterface(SnpFrameDevice device, BootServices* boot)
    {
        var interfaceConfig = new InterfaceConfig();
        interfaceConfig.RandomSeed = SeedFor(EntropySource.DeriveSeed(boot, device.MacAddress.Value));
        return new Interface(device, interfaceConfig);
    }

    /// <summary>
    /// Static address from the configuration, else DHCP (up to <see cref="DhcpWaitSeconds"/>). The DHCP
    /// client stays attached (renewals) and is returned, so the caller can read option 43's manager.
    /// </summary>
    public static bool TryConfigureAddress(SnpFrameDevice device, Interface iface, RecoveryConfig config, SystemTable* systemTable,
        ReadOnlySpan<char> tag, out DhcpClient? dhcp)
    {
        dhcp = null;
        Span<char> line = stackalloc char[200];
        Span<char> a = stackalloc char[24];
        Span<char> b = stackalloc char[24];
        Span<char> c = stackalloc char[24];
        if (config.HasStaticAddress)
        {
            iface.SetAddress(new Ipv4Address(config.StaticAddress), new Ipv4Address(config.StaticSubnetMask),
                new Ipv4Address(config.Gateway), MonotonicClock.Now);
            new ConsoleLine(line).Append(tag).Append(" STATIC ip=").Append(NetText.Ipv4(config.StaticAddress, a))
                .Append(" mask=").Append(NetText.Ipv4(config.StaticSubnetMask, b))
                .Append(" router=").Append(config.Gateway == 0 ? "none" : NetText.Ipv4(config.Gateway, c)).WriteLine(systemTable);
            return true;
        }

        Instant start = MonotonicClock.Now;
        var client = new DhcpClient(device.MacAddress, new DhcpConfig(), SeedFor(EntropySource.DeriveSeed(systemTable, device.MacAddress.Value)));
        iface.AttachDhcp(client);
        new ConsoleLine(line).Append(tag).Append(" DHCP discovering").WriteLine(systemTable);
        Instant deadline = start.AddMilliseconds(DhcpWaitSeconds * 1000L);
        while (!client.HasLease)
        {
            Instant now = MonotonicClock.Now;
            if (now.HasReached(deadline))
            {
                new ConsoleLine(line).Append(tag).Append(" FAIL no DHCP lease within ").AppendDecimal((ulong)DhcpWaitSeconds).Append("s")
                    .WriteLine(systemTable);
                return false;
            }
            if (iface.Poll(now) == 0)
                MonotonicClock.WaitForTick();
        }
        DhcpLease lease = client.Lease;
        var leaseLine = new ConsoleLine(line).Append(tag).Append(" LEASE ip=").Append(NetText.Ipv4(lease.Address.Value, a))
            .Append(" mask=").Append(NetText.Ipv4(lease.SubnetMask.Value, b))
            .Append(" router=").Append(lease.Router.IsUnspecified ? "none" : NetText.Ipv4(lease.Router.Value, c))
            .Append(" manager=");
        if (lease.ManagerAddress.IsUnspecified)
            leaseLine = leaseLine.Append("none");
        else
            leaseLine = leaseLine.Append(NetText.Ipv4(lease.ManagerAddress.Value, a)).Append(":").AppendDecimal((ulong)lease.ManagerPort);
        leaseLine.WriteLine(systemTable);
        dhcp = client;
        return true;
    }

    /// <summary>
    /// A netstack seed (32 bits, never 0: xorshift32's fixed point) from a derived 64-bit seed; both
    /// halves are folded in so no bits of the derivation are dropped.
    /// </summary>
    internal static uint SeedFor(ulong derived) => (uint)(derived ^ (derived >> 32)) | 1u;

    internal static void* SnpInterfaceOf(BootServices* boot, void* imageHandle, void* handle)
    {
        EfiGuid guid = SimpleNetworkProtocol.Guid;
        void* iface = null;
        if (boot->OpenProtocol(handle, &guid, &iface, imageHandle, null, OpenProtocolAttributes.GetProtocol).IsError)
            return null;
        boot->CloseProtocol(handle, &guid, imageHandle, null);
        return iface;
    }

    // UefiPxeBcDxe re-installs the NIC's own SNP interface on its IPv4/IPv6 children: only the first
    // handle of an interface (the NIC's own) is tried.
    internal static bool IsAliasOfEarlier(BootServices* boot, void* imageHandle, void** handles, nuint index)
    {
        void* iface = SnpInterfaceOf(boot, imageHandle, handles[index]);
        if (iface == null)
            return false;
        for (nuint j = 0; j < index; j++)
            if (SnpInterfaceOf(boot, imageHandle, handles[j]) == iface) return true;
        return false;
    }
}
