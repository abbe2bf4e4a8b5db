using System.IO;
using UefiRecovery.Testbed.Esp;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// A USB stick for the file source (<c>uefirecovery.source=file:\...</c>): an 8 MiB FAT image holding the given files,
/// attached as <c>usb-storage</c> behind QEMU's <c>qemu-xhci</c> controller.
/// </summary>
internal static class UsbStick
{
    /// <summary>Builds the stick at <paramref name="imagePath"/>; paths are the app's (<c>\recovery\x.cap</c>).</summary>
    public static string Build(string imagePath, params (string Path, byte[] Content)[] content)
    {
        EspBuilder builder = new EspBuilder();
        foreach ((string path, byte[] bytes) in content)
            builder = builder.WithFile(path.TrimStart('\\').Replace('\\', '/'), bytes);
        return builder.BuildFatImage(imagePath, 8).ImagePath;
    }

    /// <summary>The controller and the stick's drive, not yet plugged in (<c>device_add usb-storage,bus=xhci.0,drive=stick</c> plugs it).</summary>
    public static string[] ControllerOnly(string imagePath) => new[]
    {
        "-device", "qemu-xhci,id=xhci",
        "-drive", "if=none,id=stick,format=raw,file=" + imagePath,
    };

    /// <summary>The controller with the stick plugged in from the start.</summary>
    public static string[] PluggedIn(string imagePath) => new[]
    {
        "-device", "qemu-xhci,id=xhci",
        "-drive", "if=none,id=stick,format=raw,file=" + imagePath,
        "-device", "usb-storage,bus=xhci.0,drive=stick",
    };
}
