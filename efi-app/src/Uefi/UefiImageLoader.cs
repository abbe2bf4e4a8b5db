using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// Loads and starts an EFI image stored on the volume this image came from: a device path built as the
/// volume's path + FILEPATH node + End (UEFI 2.10 §10.3.5.4), then LoadImage and StartImage (§7.4).
/// </summary>
public static unsafe class UefiImageLoader
{
    /// <summary>
    /// Returns the first failing status, or what the started image returned; <paramref name="started"/> tells
    /// which of the two it is. An image LoadImage refused with EFI_SECURITY_VIOLATION is unloaded again.
    /// </summary>
    public static EfiStatus StartFromAppVolume(UefiBootServices services, ReadOnlySpan<char> path, out bool started)
    {
        started = false;
        BootServices* boot = services.Raw;
        void* device;
        using (ProtocolScope<LoadedImageProtocol> image = services.OpenGetProtocol<LoadedImageProtocol>(services.ImageHandle))
        {
            if (!image.IsOpen)
                return image.Status;
            device = image.Pointer->DeviceHandle;
        }
        if (device == null)
            return EfiStatus.NotFound;
        using ProtocolScope<DevicePathProtocol> volume = services.OpenGetProtocol<DevicePathProtocol>(new EfiHandle(device));
        if (!volume.IsOpen)
            return volume.Status;

        // Length of the volume's path without its End node (bounded walk: a broken path is refused).
        byte* node = (byte*)volume.Pointer;
        int prefix = 0;
        for (int nodes = 0; ; nodes++)
        {
            DevicePathProtocol* header = (DevicePathProtocol*)(node + prefix);
            ushort length = header->NodeLength;
            if (nodes > 64 || length < 4)
                return EfiStatus.InvalidParameter;
            if (header->Type == DevicePathType.End && header->SubType == DevicePathSubType.EndEntire)
                break;
            prefix += length;
        }
        int fileNode = FilePathDevicePath.PathNameOffset + (path.Length + 1) * 2;
        int total = prefix + fileNode + 4;
        void* buffer = null;
        EfiStatus status = boot->AllocatePool(MemoryType.LoaderData, (nuint)total, &buffer);
        if (status.IsError || buffer == null)
            return status;
        byte* bytes = (byte*)buffer;
        new ReadOnlySpan<byte>(node, prefix).CopyTo(new Span<byte>(bytes, prefix));
        byte* file = bytes + prefix;
        file[0] = DevicePathType.Media;
        file[1] = DevicePathSubType.MediaFilePath;
        file[2] = (byte)fileNode;
        file[3] = (byte)(fileNode >> 8);
        char* name = (char*)(file + FilePathDevicePath.PathNameOffset);
        for (int i = 0; i < path.Length; i++)
            name[i] = path[i];
        name[path.Length] = '\0';
        byte* end = file + fileNode;
        end[0] = DevicePathType.End;
        end[1] = DevicePathSubType.EndEntire;
        end[2] = 4;
        end[3] = 0;

        void* loaded = null;
        status = boot->LoadImage(0, services.ImageHandle.Value, (DevicePathProtocol*)buffer, null, 0, &loaded);
        boot->FreePool(buffer);
        if (status.IsError || loaded == null)
        {
            // §7.4 LoadImage: on EFI_SECURITY_VIOLATION the image IS loaded (not trusted); it must be unloaded.
            if (loaded != null)
                boot->UnloadImage(loaded);
            return status.IsError ? status : EfiStatus.LoadError;
        }
        started = true;
        nuint exitDataSize = 0;
        return boot->StartImage(loaded, &exitDataSize, null);
    }
}
