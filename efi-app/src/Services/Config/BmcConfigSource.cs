#if PORTABLE_CORE
using UefiRecovery.Core.Ipmi;
using UefiRecovery.Efi.Services.Bmc;

namespace UefiRecovery.Efi.Services.Config;

/// <summary>
/// The BMC source (issue #14, docs/bmc.md): the KCS interface that SMBIOS type 38 names, Get Device ID, then
/// the text lines of Get System Info Parameters OEM parameter C0h applied as <see cref="ConfigSource.Bmc"/>
/// (protected, right after SMBIOS), and the boot flags (parameter 5) shown. Without a KCS device, an answer
/// or the parameter it says so in one line and the other sources stand:
///   CONFIG source=bmc status=absent|no-answer|no-parameter|read ...
/// </summary>
internal static class BmcConfigSource
{
    public static void ApplyLayer(UefiSystemTable system, RecoveryConfig config, IConfigReport report)
    {
        UefiConsole console = system.ConsoleOut;
        Span<char> line = stackalloc char[200];
        IpmiClient? client = BmcConnection.TryOpen(system, out ulong port, out string absentReason, out int otherInterfaceType);
        if (client == null)
        {
            var absent = new ConsoleLine(line).Append("CONFIG source=bmc status=absent reason=\"").Append(absentReason).Append("\"");
            if (otherInterfaceType >= 0)
                absent.Append(" type=").AppendDecimal((ulong)otherInterfaceType);
            absent.WriteLine(console);
            return;
        }
        IpmiStatus status = client.Send(IpmiNetFn.App, IpmiNetFn.GetDeviceId, default, out ReadOnlySpan<byte> data);
        if (status != IpmiStatus.Ok || !BmcDeviceId.TryParse(data, out BmcDeviceId id))
        {
            WriteFailure(console, "no-answer", port, client, status);
            return;
        }
        new ConsoleLine(line).Append("CONFIG source=bmc kcs=").AppendHex(port).Append(" device=").AppendHex(id.DeviceId, 2)
            // Minor firmware revision: two BCD digits; IPMI version: BCD, least significant digit in the high nibble.
            .Append(" firmware=").AppendDecimal((ulong)id.FirmwareMajor).Append(".").AppendDecimal((ulong)(id.FirmwareMinor >> 4))
            .AppendDecimal((ulong)(id.FirmwareMinor & 0x0F)).Append(" ipmi=").AppendDecimal((ulong)(id.IpmiVersion & 0x0F)).Append(".")
            .AppendDecimal((ulong)(id.IpmiVersion >> 4)).Append(" manufacturer=").AppendDecimal((ulong)id.Manufacturer).WriteLine(console);

        byte[] text = new byte[SystemInfoText.MaxBytes];
        SystemInfoTextStatus textStatus = SystemInfoText.Read(client, SystemInfoText.RecoveryParameter, text, out int length);
        if (textStatus == SystemInfoTextStatus.NotSupported)
            new ConsoleLine(line).Append("CONFIG source=bmc status=no-parameter parameter=0xC0 cc=")
                .Append(client.LastCompletionCode == SystemInfoText.ParameterNotSupported ? "parameter-not-supported"
                    : IpmiCompletionCodeNames.Name(client.LastCompletionCode)).WriteLine(console);
        else if (textStatus != SystemInfoTextStatus.Read)
            WriteFailure(console, textStatus == SystemInfoTextStatus.Malformed ? "malformed" : "read-failed", port, client, IpmiStatus.TransferFailed);
        else
        {
            new ConsoleLine(line).Append("CONFIG source=bmc status=read parameter=0xC0 bytes=").AppendDecimal((ulong)length).WriteLine(console);
            ConfigTextSource.Apply(new ReadOnlySpan<byte>(text, 0, length), ConfigSource.Bmc, osWritable: false, config, report);
        }

        // Shown, not acted on: whether a BMC boot request may force recovery is the platform's decision (docs/bmc.md).
        IpmiStatus flags = BootFlags.Read(client, out bool recovery);
        var flagsLine = new ConsoleLine(line).Append("CONFIG source=bmc boot-flags=");
        if (flags == IpmiStatus.Ok)
            flagsLine.Append(recovery ? "recovery-requested" : "none");
        else
            flagsLine.Append("unread cc=").Append(IpmiCompletionCodeNames.Name(client.LastCompletionCode));
        flagsLine.Append(" kcs-bytes=").AppendDecimal((ulong)client.BytesTransferred).Append(" kcs-polls=").AppendDecimal((ulong)client.Interface.Polls).Append(" retried=").AppendDecimal((ulong)client.CommandsRetried)
            .WriteLine(console);
    }

    private static void WriteFailure(UefiConsole console, string what, ulong port, IpmiClient client, IpmiStatus status)
    {
        new ConsoleLine(stackalloc char[240]).Append("CONFIG source=bmc status=").Append(what).Append(" kcs=").AppendHex(port)
            .Append(" transfer=").Append(KcsTransferStatusNames.Name(client.LastTransfer))
            .Append(" kcs-error=").Append(KcsTransferStatusNames.ErrorCodeName(client.Interface.LastErrorCode))
            .Append(" cc=").Append(status == IpmiStatus.CompletionCode ? IpmiCompletionCodeNames.Name(client.LastCompletionCode) : "none")
            .WriteLine(console);
    }
}
#endif
