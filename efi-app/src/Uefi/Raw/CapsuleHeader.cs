namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_CAPSULE_HEADER (UEFI 2.10 §8.5.3, UpdateCapsule).</summary>
public struct CapsuleHeader
{
    public const uint FlagPersistAcrossReset = 0x0001_0000;
    public const uint FlagPopulateSystemTable = 0x0002_0000;
    public const uint FlagInitiateReset = 0x0004_0000;

    public EfiGuid CapsuleGuid;
    public uint HeaderSize;
    public uint Flags;
    public uint CapsuleImageSize;
}
