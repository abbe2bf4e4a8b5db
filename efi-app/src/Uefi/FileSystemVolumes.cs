using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// Every volume with EFI_SIMPLE_FILE_SYSTEM_PROTOCOL (UEFI 2.10 §13.4): the ESP, other FAT partitions, a USB stick
/// the firmware has connected. <see cref="LocateHandles"/> lists them, <see cref="OpenRoot"/> opens one's root directory.
/// </summary>
public static unsafe class FileSystemVolumes
{
    public static HandleBuffer LocateHandles(UefiBootServices boot) => boot.LocateHandleBuffer<SimpleFileSystemProtocol>();

    /// <summary>Signals each volume that appears from now on (a USB stick plugged in); see <see cref="ProtocolArrivalWatch{T}"/>.</summary>
    public static ProtocolArrivalWatch<SimpleFileSystemProtocol> WatchArrivals(UefiBootServices boot) =>
        ProtocolArrivalWatch<SimpleFileSystemProtocol>.Start(boot);

    /// <summary>The open root directory of the volume on <paramref name="handle"/>; a closed <see cref="UefiFile"/> when it has none.</summary>
    public static UefiFile OpenRoot(UefiBootServices services, EfiHandle handle)
    {
        using ProtocolScope<SimpleFileSystemProtocol> fs = services.OpenGetProtocol<SimpleFileSystemProtocol>(handle);
        if (!fs.IsOpen)
            return default;
        FileProtocol* root = null;
        if (fs.Pointer->OpenVolume(fs.Pointer, &root).IsError)
            return default;
        return new UefiFile(root);
    }
}
