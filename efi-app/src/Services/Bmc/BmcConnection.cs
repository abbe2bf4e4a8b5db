#if PORTABLE_CORE
using UefiRecovery.Core.Ipmi;
using UefiRecovery.Efi.Uefi.Smbios;

namespace UefiRecovery.Efi.Services.Bmc;

/// <summary>
/// The platform's BMC over KCS (docs/bmc.md): the interface SMBIOS type 38 names, in I/O space, reached through
/// EFI_CPU_IO2_PROTOCOL. Used by the configuration source and by the staged transfer; each prints its own lines.
/// </summary>
internal static class BmcConnection
{
    /// <summary>Time per KCS handshake step: a byte handshake takes one or two polls; a dead interface costs this twice.</summary>
    private const int HandshakeMicroseconds = 1_000_000;

    /// <summary>Time the BMC gets to answer a request: past QEMU's own 4 s answer timeout (C3h), so a dropped
    /// request ends in that answer and not in an abort while QEMU's model still waits for the BMC.</summary>
    private const int ResponseMicroseconds = 6_000_000;

    private const int Retries = 2;

    /// <summary>
    /// The client, or null with the reason (<c>"no SMBIOS type 38 IPMI device"</c> ...) why there is none;
    /// <paramref name="otherInterfaceType"/> is the SMBIOS interface type of a device that is not KCS in I/O space, else -1.
    /// </summary>
    public static IpmiClient? TryOpen(UefiSystemTable system, out ulong port, out string absentReason, out int otherInterfaceType)
    {
        port = 0;
        otherInterfaceType = -1;
        if (!SmbiosFirmwareTable.TryGetTable(system, out ReadOnlySpan<byte> table, out int limit, out _)
            || !SmbiosIpmiDevice.TryFind(table, limit, out SmbiosIpmiDevice device))
        {
            absentReason = "no SMBIOS type 38 IPMI device";
            return null;
        }
        if (device.InterfaceType != SmbiosIpmiDevice.KcsInterface || !device.IsIoSpace)
        {
            otherInterfaceType = device.InterfaceType;
            absentReason = "not a KCS interface in I/O space";
            return null;
        }
        UefiCpuIo cpuIo = UefiCpuIo.Locate(system.BootServices);
        if (!cpuIo.IsAvailable)
        {
            absentReason = "no EFI_CPU_IO2_PROTOCOL";
            return null;
        }
        absentReason = "";
        port = device.BaseAddress;
        return new IpmiClient(new KcsInterface(new UefiKcsPorts(cpuIo, system.BootServices, device.BaseAddress, device.RegisterSpacing),
            HandshakeMicroseconds, ResponseMicroseconds, Retries));
    }
}
#endif
