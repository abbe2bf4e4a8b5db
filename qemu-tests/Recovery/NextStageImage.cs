using System;
using System.IO;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// The tiny EFI application the <c>uefirecovery.next</c> hand-over starts (NextStage/next-stage.S): assembled
/// with llvm-mc and linked with lld-link /subsystem:efi_application, the tools the app's own build uses
/// (efi-app/src/EfiApp.targets, runtime-shim/Native). It prints <see cref="Banner"/> and returns EFI_SUCCESS.
/// </summary>
internal static class NextStageImage
{
    /// <summary>The line the next stage prints through ConOut; nothing else prints it.</summary>
    public const string Banner = "UEFIRECOVERY NEXT STAGE RAN e2e-7f3a";

    /// <summary>Where the tests put it on the ESP, and the matching <c>uefirecovery.next</c> value.</summary>
    public const string EspPath = "EFI/next/next.efi";
    public const string ConfigPath = @"\EFI\next\next.efi";

    public static string SourcePath => Path.Combine(TestEnvironment.Repo.Root, "qemu-tests", "Recovery", "NextStage", "next-stage.S");

    /// <summary>Builds the image into <paramref name="directory"/> and returns its bytes.</summary>
    public static byte[] Build(string directory)
    {
        string obj = Path.Combine(directory, "next-stage.obj");
        string efi = Path.Combine(directory, "next-stage.efi");
        HostCommandResult assemble = HostCommand.Run("llvm-mc",
            new[] { "-triple=x86_64-pc-windows-msvc", "-filetype=obj", "-o", obj, SourcePath }, TimeSpan.FromMinutes(1));
        if (!assemble.Succeeded || !File.Exists(obj))
        {
            throw new InvalidOperationException("llvm-mc (Debian package llvm) failed on next-stage.S: " + assemble);
        }
        HostCommandResult link = HostCommand.Run("lld-link", new[]
        {
            "/subsystem:efi_application", "/entry:NextStageMain", "/nodefaultlib", "/incremental:no", "/Brepro", "/out:" + efi, obj,
        }, TimeSpan.FromMinutes(1));
        if (!link.Succeeded || !File.Exists(efi))
        {
            throw new InvalidOperationException("lld-link (Debian package lld) failed on next-stage.obj: " + link);
        }
        return File.ReadAllBytes(efi);
    }
}
