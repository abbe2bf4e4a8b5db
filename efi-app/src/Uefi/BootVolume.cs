using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The root directory of the volume this image was loaded from (on a normal boot, the ESP):
/// LoadedImage.DeviceHandle → EFI_SIMPLE_FILE_SYSTEM_PROTOCOL.OpenVolume (UEFI 2.10 §9.1, §13.4).
/// </summary>
internal static unsafe class BootVolume
{
    /// <summary>The open root, or null when the device has no simple file system.</summary>
    /// <remarks>The root stays open for the app's lifetime: closing it would drop every file opened from it.</remarks>
    public static FileProtocol* OpenRoot(UefiBootServices services)
    {
        void* device;
        using (ProtocolScope<LoadedImageProtocol> image = services.OpenGetProtocol<LoadedImageProtocol>(services.ImageHandle))
        {
            if (!image.IsOpen)
                return null;
            device = image.Pointer->DeviceHandle;
        }
        if (device == null)
            return null;
        using ProtocolScope<SimpleFileSystemProtocol> fs = services.OpenGetProtocol<SimpleFileSystemProtocol>(new EfiHandle(device));
        if (!fs.IsOpen)
            return null;
        FileProtocol* root = null;
        if (fs.Pointer->OpenVolume(fs.Pointer, &root).IsError)
            return null;
        return root;
    }
}
