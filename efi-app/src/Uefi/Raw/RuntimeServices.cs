namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_RUNTIME_SERVICES (UEFI 2.10 §4.5), every slot in spec order. Calling convention as in
/// <see cref="BootServices"/>: Microsoft x64, which is what <c>unmanaged</c> means for the
/// --targetos:windows ILC build.
/// </summary>
public unsafe struct RuntimeServices
{
    /// <summary>"RUNTSERV" read as a little-endian UINT64.</summary>
    public const ulong Signature = 0x56524553544e5552;

    public TableHeader Hdr;

    // Time Services (§8.3)
    public delegate* unmanaged<Time*, TimeCapabilities*, EfiStatus> GetTime;
    public delegate* unmanaged<Time*, EfiStatus> SetTime;
    public delegate* unmanaged<byte*, byte*, Time*, EfiStatus> GetWakeupTime;
    public delegate* unmanaged<byte, Time*, EfiStatus> SetWakeupTime;

    // Virtual Memory Services (§8.4)
    public delegate* unmanaged<nuint, nuint, uint, MemoryDescriptor*, EfiStatus> SetVirtualAddressMap;
    public delegate* unmanaged<nuint, void**, EfiStatus> ConvertPointer;

    // Variable Services (§8.2)
    public delegate* unmanaged<char*, EfiGuid*, uint*, nuint*, void*, EfiStatus> GetVariable;
    public delegate* unmanaged<nuint*, char*, EfiGuid*, EfiStatus> GetNextVariableName;
    public delegate* unmanaged<char*, EfiGuid*, uint, nuint, void*, EfiStatus> SetVariable;

    // Miscellaneous Services (§8.5)
    public delegate* unmanaged<uint*, EfiStatus> GetNextHighMonotonicCount;
    public delegate* unmanaged<ResetType, EfiStatus, nuint, void*, void> ResetSystem;

    // UEFI 2.0 Capsule Services (§8.5.3)
    public delegate* unmanaged<CapsuleHeader**, nuint, ulong, EfiStatus> UpdateCapsule;
    public delegate* unmanaged<CapsuleHeader**, nuint, ulong*, ResetType*, EfiStatus> QueryCapsuleCapabilities;

    // Miscellaneous UEFI 2.0 Service (§8.2)
    public delegate* unmanaged<uint, ulong*, ulong*, ulong*, EfiStatus> QueryVariableInfo;
}
