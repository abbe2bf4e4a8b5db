namespace UefiRecovery.Efi.Uefi;

/// <summary>EFI_HANDLE in the safe layer: an opaque firmware pointer that is never dereferenced.</summary>
public readonly unsafe struct EfiHandle
{
    public readonly void* Value;

    public EfiHandle(void* value) => Value = value;

    public static EfiHandle Null => default;

    public bool IsNull => Value == null;

    /// <summary>The handle's value as a number, for diagnostics ("handle=0x..").</summary>
    public nuint Address => (nuint)Value;
}
