using System;

namespace UefiRecovery.Core.Ipmi;

/// <summary>
/// Boot options parameter 5, boot flags (IPMI 2.0 §28.13, Table 28-14). This project reads "recovery
/// requested" as: the flags are valid (data 1 bit 7) and the boot device selector (data 2 bits 5:2) is 0100b,
/// "force boot from default diagnostic partition" — the standard request a BMC already has for "boot the
/// platform's service path once" (docs/bmc.md).
/// </summary>
public static class BootFlags
{
    public const byte Parameter = 5;

    /// <summary>Parameter version, parameter valid/selector, then five data bytes.</summary>
    public const int ResponseBytes = 7;

    public const byte DiagnosticPartition = 0x4;

    public static IpmiStatus Read(IpmiClient client, out bool recoveryRequested)
    {
        recoveryRequested = false;
        Span<byte> request = stackalloc byte[3];
        request[0] = Parameter;
        request[1] = 0;
        request[2] = 0;
        IpmiStatus status = client.Send(IpmiNetFn.Chassis, IpmiNetFn.GetSystemBootOptions, request, out ReadOnlySpan<byte> data);
        if (status != IpmiStatus.Ok)
            return status;
        if (data.Length < ResponseBytes || (data[1] & 0x7F) != Parameter)
            return IpmiStatus.MalformedResponse;
        recoveryRequested = IsRecoveryRequest(data.Slice(2, 5));
        return IpmiStatus.Ok;
    }

    /// <summary>The five data bytes of parameter 5 ask for the recovery path.</summary>
    public static bool IsRecoveryRequest(ReadOnlySpan<byte> flags) =>
        flags.Length >= 2 && (flags[0] & 0x80) != 0 && ((flags[1] >> 2) & 0x0F) == DiagnosticPartition;
}
