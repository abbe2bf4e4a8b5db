namespace UefiRecovery.Efi.Uefi;

/// <summary>EFI_SIMPLE_NETWORK_STATE (UEFI 2.10 §24.1), stored in <see cref="SimpleNetworkMode.State"/>.</summary>
public enum SimpleNetworkState : uint
{
    Stopped = 0,
    Started = 1,
    Initialized = 2,
}
