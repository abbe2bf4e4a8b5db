namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_BOOT_SERVICES (UEFI 2.10 §4.4), every slot in spec order, none skipped or padded.
/// Calling convention: UEFI x64 uses the Microsoft x64 ABI (§2.3.4). The app is compiled by ILC with
/// --targetos:windows, where plain <c>unmanaged</c> is that ABI; a host build on Linux would get
/// SysV instead, which is why these pointers are only ever called inside the EFI image.
/// Types: EFI_HANDLE and EFI_EVENT are VOID* (<c>void*</c>), EFI_TPL and UINTN are <c>nuint</c>,
/// EFI_PHYSICAL_ADDRESS and EFI_LBA are UINT64, BOOLEAN is one byte, CHAR16 is <c>char</c>.
/// </summary>
public unsafe struct BootServices
{
    /// <summary>"BOOTSERV" read as a little-endian UINT64.</summary>
    public const ulong Signature = 0x56524553544f4f42;

    public TableHeader Hdr;

    // Task Priority Services (§7.1)
    public delegate* unmanaged<nuint, nuint> RaiseTpl;
    public delegate* unmanaged<nuint, void> RestoreTpl;

    // Memory Services (§7.2)
    public delegate* unmanaged<AllocateType, MemoryType, nuint, ulong*, EfiStatus> AllocatePages;
    public delegate* unmanaged<ulong, nuint, EfiStatus> FreePages;
    public delegate* unmanaged<nuint*, MemoryDescriptor*, nuint*, nuint*, uint*, EfiStatus> GetMemoryMap;
    public delegate* unmanaged<MemoryType, nuint, void**, EfiStatus> AllocatePool;
    public delegate* unmanaged<void*, EfiStatus> FreePool;

    // Event & Timer Services (§7.1)
    public delegate* unmanaged<uint, nuint, delegate* unmanaged<void*, void*, void>, void*, void**, EfiStatus> CreateEvent;
    public delegate* unmanaged<void*, TimerDelay, ulong, EfiStatus> SetTimer;
    public delegate* unmanaged<nuint, void**, nuint*, EfiStatus> WaitForEvent;
    public delegate* unmanaged<void*, EfiStatus> SignalEvent;
    public delegate* unmanaged<void*, EfiStatus> CloseEvent;
    public delegate* unmanaged<void*, EfiStatus> CheckEvent;

    // Protocol Handler Services (§7.3)
    public delegate* unmanaged<void**, EfiGuid*, InterfaceType, void*, EfiStatus> InstallProtocolInterface;
    public delegate* unmanaged<void*, EfiGuid*, void*, void*, EfiStatus> ReinstallProtocolInterface;
    public delegate* unmanaged<void*, EfiGuid*, void*, EfiStatus> UninstallProtocolInterface;
    public delegate* unmanaged<void*, EfiGuid*, void**, EfiStatus> HandleProtocol;
    public void* Reserved;
    public delegate* unmanaged<EfiGuid*, void*, void**, EfiStatus> RegisterProtocolNotify;
    public delegate* unmanaged<LocateSearchType, EfiGuid*, void*, nuint*, void**, EfiStatus> LocateHandle;
    public delegate* unmanaged<EfiGuid*, DevicePathProtocol**, void**, EfiStatus> LocateDevicePath;
    public delegate* unmanaged<EfiGuid*, void*, EfiStatus> InstallConfigurationTable;

    // Image Services (§7.4)
    public delegate* unmanaged<byte, void*, DevicePathProtocol*, void*, nuint, void**, EfiStatus> LoadImage;
    public delegate* unmanaged<void*, nuint*, char**, EfiStatus> StartImage;
    public delegate* unmanaged<void*, EfiStatus, nuint, char*, EfiStatus> Exit;
    public delegate* unmanaged<void*, EfiStatus> UnloadImage;
    public delegate* unmanaged<void*, nuint, EfiStatus> ExitBootServices;

    // Miscellaneous Services (§7.5)
    public delegate* unmanaged<ulong*, EfiStatus> GetNextMonotonicCount;
    public delegate* unmanaged<nuint, EfiStatus> Stall;
    public delegate* unmanaged<nuint, ulong, nuint, char*, EfiStatus> SetWatchdogTimer;

    // DriverSupport Services (§7.3)
    public delegate* unmanaged<void*, void**, DevicePathProtocol*, byte, EfiStatus> ConnectController;
    public delegate* unmanaged<void*, void*, void*, EfiStatus> DisconnectController;

    // Open and Close Protocol Services (§7.3)
    public delegate* unmanaged<void*, EfiGuid*, void**, void*, void*, OpenProtocolAttributes, EfiStatus> OpenProtocol;
    public delegate* unmanaged<void*, EfiGuid*, void*, void*, EfiStatus> CloseProtocol;
    public delegate* unmanaged<void*, EfiGuid*, OpenProtocolInformationEntry**, nuint*, EfiStatus> OpenProtocolInformation;

    // Library Services (§7.3)
    public delegate* unmanaged<void*, EfiGuid***, nuint*, EfiStatus> ProtocolsPerHandle;
    public delegate* unmanaged<LocateSearchType, EfiGuid*, void*, nuint*, void***, EfiStatus> LocateHandleBuffer;
    public delegate* unmanaged<EfiGuid*, void*, void**, EfiStatus> LocateProtocol;

    /// <summary>
    /// Variadic in the spec: (Handle*, {GUID*, Interface*}..., NULL). Declared with one pair and the
    /// NULL terminator; Microsoft x64 varargs pass pointer arguments exactly like fixed ones.
    /// </summary>
    public delegate* unmanaged<void**, EfiGuid*, void*, void*, EfiStatus> InstallMultipleProtocolInterfaces;

    /// <summary>Variadic like <see cref="InstallMultipleProtocolInterfaces"/>: (Handle, {GUID*, Interface*}..., NULL).</summary>
    public delegate* unmanaged<void*, EfiGuid*, void*, void*, EfiStatus> UninstallMultipleProtocolInterfaces;

    // 32-bit CRC Services (§7.5)
    public delegate* unmanaged<void*, nuint, uint*, EfiStatus> CalculateCrc32;

    // Miscellaneous Services (§7.5)
    public delegate* unmanaged<void*, void*, nuint, void> CopyMem;
    public delegate* unmanaged<void*, nuint, byte, void> SetMem;
    public delegate* unmanaged<uint, nuint, delegate* unmanaged<void*, void*, void>, void*, EfiGuid*, void**, EfiStatus> CreateEventEx;
}
