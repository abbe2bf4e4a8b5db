namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// Hand-over when the firmware is valid (<c>uefirecovery.next=\EFI\...</c>): the loader is loaded from the
/// volume this app came from and started (<see cref="UefiImageLoader"/>); without one, or when it fails,
/// the boot manager goes on with its next boot option.
/// </summary>
internal static class NextLoader
{
    /// <summary>
    /// Valid firmware: start the configured loader if any, else return to the boot manager. A loader that
    /// cannot be loaded (missing, not an EFI image, refused by Secure Boot) or that returns an error falls
    /// back to the boot manager too, which goes on with its next boot option: the machine still boots.
    /// Lines: "RECOVERY HANDOVER next=PATH" before the loader runs, then either
    /// "RECOVERY HANDOVER next=PATH returned status=0x.." or "... failed step=load|start status=0x.. (name)"
    /// and "RECOVERY HANDOVER boot-manager".
    /// </summary>
    public static void HandOver(UefiConsole console, UefiBootServices services, RecoveryTargetConfig target)
    {
        Span<char> line = stackalloc char[256];
        if (target.NextLoader.IsEmpty)
        {
            new ConsoleLine(line).Append("RECOVERY HANDOVER boot-manager").WriteLine(console);
            return;
        }
        new ConsoleLine(line).Append("RECOVERY HANDOVER next=").Append(target.NextLoader).WriteLine(console);
        EfiStatus status = UefiImageLoader.StartFromAppVolume(services, target.NextLoader, out bool started);
        if (started && !status.IsError)
        {
            new ConsoleLine(line).Append("RECOVERY HANDOVER next=").Append(target.NextLoader)
                .Append(" returned status=").AppendHex((ulong)status.Value).WriteLine(console);
            return;
        }
        new ConsoleLine(line).Append("RECOVERY HANDOVER next=").Append(target.NextLoader)
            .Append(" failed step=").Append(started ? "start" : "load").Append(" status=").AppendHex((ulong)status.Value)
            .Append(" (").Append(LoadStatusName(status)).Append(")").WriteLine(console);
        new ConsoleLine(line).Append("RECOVERY HANDOVER boot-manager").WriteLine(console);
    }

    /// <summary>The LoadImage/StartImage statuses an operator meets (UEFI 2.10 §7.4, Appendix D).</summary>
    private static string LoadStatusName(EfiStatus status)
    {
        if (status == EfiStatus.NotFound) return "not-found";
        if (status == EfiStatus.LoadError) return "load-error: the image could not be read or loaded";
        if (status == EfiStatus.Unsupported) return "unsupported: not an EFI image this firmware can run";
        if (status == EfiStatus.SecurityViolation) return "security-violation: refused by the platform's image verification";
        if (status == EfiStatus.AccessDenied) return "access-denied";
        if (status == EfiStatus.OutOfResources) return "out-of-resources";
        if (status == EfiStatus.InvalidParameter) return "invalid-parameter: the volume's device path";
        return "error returned";
    }
}
