using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The volume this image was loaded from (on a normal boot, the ESP): LoadedImage.DeviceHandle →
/// EFI_SIMPLE_FILE_SYSTEM_PROTOCOL.OpenVolume (UEFI 2.10 §9.1, §13.4), and the image's own file path.
/// </summary>
public static unsafe class BootVolume
{
    /// <summary>The open root directory, or a closed <see cref="UefiFile"/> when the device has no simple file system.</summary>
    /// <remarks>The marker store keeps its root for the app's lifetime: closing it would drop every file opened from it.</remarks>
    public static UefiFile OpenRoot(UefiBootServices services)
    {
        void* device;
        using (ProtocolScope<LoadedImageProtocol> image = services.OpenGetProtocol<LoadedImageProtocol>(services.ImageHandle))
        {
            if (!image.IsOpen)
                return default;
            device = image.Pointer->DeviceHandle;
        }
        return device == null ? default : FileSystemVolumes.OpenRoot(services, new EfiHandle(device));
    }

    /// <summary>
    /// The FILEPATH text of this image's LoadedImage.FilePath ("\EFI\BOOT\BOOTX64.EFI", <see cref="FilePathNodes"/>);
    /// false when the image has no such path or it does not fit <paramref name="path"/>.
    /// </summary>
    public static bool TryGetImagePath(UefiBootServices services, Span<char> path, out int length)
    {
        length = 0;
        using ProtocolScope<LoadedImageProtocol> image = services.OpenGetProtocol<LoadedImageProtocol>(services.ImageHandle);
        return image.IsOpen && FilePathNodes.TryCollect(image.Pointer->FilePath, path, out length);
    }
}
