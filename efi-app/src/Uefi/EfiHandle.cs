namespace UefiRecovery.Efi.Uefi;

/// <summary>EFI_HANDLE in the safe layer: an opaque firmware pointer that is never dereferenced.</summary>
public readonly unsafe struct EfiHandle
{
    public readonly void* Value;

    public EfiHandle(void* value) => Value = value;

    public static EfiHandle Null => default;

    public bool IsNull => Value == null;
}
