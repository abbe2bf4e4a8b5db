namespace Internal.Runtime.Platform;

// The few firmware services the runtime itself needs: console output for fail-fast messages, page
// allocation for the arena, reset for stopping the machine, and protocol lookup for the null-page
// guard (its per-architecture exception context is in SystemContext.X64.cs / SystemContext.Arm64.cs). They are declared here, privately, and not taken from efi-app's UEFI bindings because the
// shim is efi-app's corlib: it is compiled first and cannot reference the assembly that references it.
// Every table lists its slots in specification order (UEFI 2.10); slots the runtime never calls are
// plain pointers.

/// <summary>EFI_TABLE_HEADER (UEFI 2.10 §4.2.1).</summary>
internal struct EfiTableHeader
{
    public ulong Signature;
    public uint Revision;
    public uint HeaderSize;
    public uint Crc32;
    public uint Reserved;
}

/// <summary>EFI_SYSTEM_TABLE (UEFI 2.10 §4.3.1).</summary>
internal unsafe struct EfiSystemTable
{
    public EfiTableHeader Hdr;
    public char* FirmwareVendor;
    public uint FirmwareRevision;
    public void* ConsoleInHandle;
    public void* ConIn;
    public void* ConsoleOutHandle;
    public EfiSimpleTextOutput* ConOut;
    public void* StandardErrorHandle;
    public EfiSimpleTextOutput* StdErr;
    public EfiRuntimeServices* RuntimeServices;
    public EfiBootServices* BootServices;
    public nuint NumberOfTableEntries;
    public void* ConfigurationTable;
}

/// <summary>EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL (UEFI 2.10 §12.4.1).</summary>
internal unsafe struct EfiSimpleTextOutput
{
    public void* Reset;
    public delegate* unmanaged<EfiSimpleTextOutput*, char*, nuint> OutputString;
    public void* TestString;
    public void* QueryMode;
    public void* SetMode;
    public void* SetAttribute;
    public void* ClearScreen;
    public void* SetCursorPosition;
    public void* EnableCursor;
    public void* Mode;
}

/// <summary>EFI_RUNTIME_SERVICES (UEFI 2.10 §4.5.1).</summary>
internal unsafe struct EfiRuntimeServices
{
    public EfiTableHeader Hdr;
    public void* GetTime;
    public void* SetTime;
    public void* GetWakeupTime;
    public void* SetWakeupTime;
    public void* SetVirtualAddressMap;
    public void* ConvertPointer;
    public void* GetVariable;
    public void* GetNextVariableName;
    public void* SetVariable;
    public void* GetNextHighMonotonicCount;
    // EFI_RESET_SYSTEM: ResetType, ResetStatus, DataSize, ResetData.
    public delegate* unmanaged<int, nuint, nuint, void*, void> ResetSystem;
    public void* UpdateCapsule;
    public void* QueryCapsuleCapabilities;
    public void* QueryVariableInfo;
}

/// <summary>EFI_BOOT_SERVICES (UEFI 2.10 §4.4.1), up to LocateProtocol.</summary>
internal unsafe struct EfiBootServices
{
    public EfiTableHeader Hdr;
    public void* RaiseTPL;
    public void* RestoreTPL;
    // EFI_ALLOCATE_PAGES: Type, MemoryType, Pages, *Memory.
    public delegate* unmanaged<int, int, nuint, ulong*, nuint> AllocatePages;
    public delegate* unmanaged<ulong, nuint, nuint> FreePages;
    public void* GetMemoryMap;
    public void* AllocatePool;
    public void* FreePool;
    public void* CreateEvent;
    public void* SetTimer;
    public void* WaitForEvent;
    public void* SignalEvent;
    public void* CloseEvent;
    public void* CheckEvent;
    public void* InstallProtocolInterface;
    public void* ReinstallProtocolInterface;
    public void* UninstallProtocolInterface;
    public void* HandleProtocol;
    public void* Reserved;
    public void* RegisterProtocolNotify;
    public void* LocateHandle;
    public void* LocateDevicePath;
    public void* InstallConfigurationTable;
    public void* LoadImage;
    public void* StartImage;
    public void* Exit;
    public void* UnloadImage;
    public void* ExitBootServices;
    public void* GetNextMonotonicCount;
    public void* Stall;
    public void* SetWatchdogTimer;
    public void* ConnectController;
    public void* DisconnectController;
    public void* OpenProtocol;
    public void* CloseProtocol;
    public void* OpenProtocolInformation;
    public void* ProtocolsPerHandle;
    public void* LocateHandleBuffer;
    // EFI_LOCATE_PROTOCOL: *Protocol (GUID), Registration, **Interface.
    public delegate* unmanaged<EfiGuidValue*, void*, void**, nuint> LocateProtocol;
}

/// <summary>EFI_GUID as its 16 bytes in memory order.</summary>
internal struct EfiGuidValue
{
    public uint Data1;
    public ushort Data2;
    public ushort Data3;
    public ulong Data4;

    public EfiGuidValue(uint data1, ushort data2, ushort data3, byte d0, byte d1, byte d2, byte d3, byte d4, byte d5, byte d6, byte d7)
    {
        Data1 = data1;
        Data2 = data2;
        Data3 = data3;
        Data4 = d0 | (ulong)d1 << 8 | (ulong)d2 << 16 | (ulong)d3 << 24 |
                (ulong)d4 << 32 | (ulong)d5 << 40 | (ulong)d6 << 48 | (ulong)d7 << 56;
    }
}

/// <summary>EFI_RESET_TYPE (UEFI 2.10 §8.5.1).</summary>
internal static class EfiResetType
{
    public const int Cold = 0;
    public const int Warm = 1;
    public const int Shutdown = 2;
}

/// <summary>EFI_MEMORY_TYPE / EFI_ALLOCATE_TYPE values the runtime uses (UEFI 2.10 §7.2).</summary>
internal static class EfiMemory
{
    public const int AllocateAnyPages = 0;
    public const int LoaderData = 2;
    public const int PageSize = 4096;
}

/// <summary>
/// EFI_CPU_ARCH_PROTOCOL (UEFI PI 1.8, Vol. 2 §12.3). CpuDxe produces it; the runtime uses it to
/// register CPU-exception handlers and to make page 0 not-present (EFI_MEMORY_RP).
/// </summary>
internal unsafe struct EfiCpuArchProtocol
{
    public static EfiGuidValue Guid => new EfiGuidValue(0x26BACCB1, 0x6F42, 0x11D4, 0xBC, 0xE7, 0x00, 0x80, 0xC7, 0x3C, 0x88, 0x81);

    public void* FlushDataCache;
    public void* EnableInterrupt;
    public void* DisableInterrupt;
    public void* GetInterruptState;
    public void* Init;
    // RegisterInterruptHandler(This, InterruptType, InterruptHandler(InterruptType, SystemContext)); null handler unregisters.
    // SystemContext points to the architecture's EFI_SYSTEM_CONTEXT_* (Platform/SystemContext.<arch>.cs).
    public delegate* unmanaged<EfiCpuArchProtocol*, nint, delegate* unmanaged<nint, void*, void>, nuint> RegisterInterruptHandler;
    public void* GetTimerValue;
    // SetMemoryAttributes(This, BaseAddress, Length, Attributes).
    public delegate* unmanaged<EfiCpuArchProtocol*, ulong, ulong, ulong, nuint> SetMemoryAttributes;
    public uint NumberOfTimers;
    public uint DmaBufferAlignment;
}

/// <summary>Memory attribute bits of EFI_MEMORY_DESCRIPTOR (UEFI 2.10 §7.2.3).</summary>
internal static class EfiMemoryAttribute
{
    public const ulong ReadProtect = 0x2000; // EFI_MEMORY_RP
}
