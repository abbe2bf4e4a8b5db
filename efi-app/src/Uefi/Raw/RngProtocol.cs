namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_RNG_PROTOCOL (UEFI 2.10 §37.5): random bytes from a firmware driver (OVMF's VirtioRngDxe on a
/// virtio-rng device, RngDxe over RDRAND or a TPM on real boards). GetRNG with a null algorithm uses
/// the driver's default. Calling convention: Microsoft x64 (see <see cref="BootServices"/>).
/// </summary>
public unsafe struct RngProtocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0x3152BCA5, 0xEADE, 0x433D, 0x86, 0x2E, 0xC0, 0x1C, 0xDC, 0x29, 0x1F, 0x44);

    /// <summary>(This, RNGAlgorithmListSize in/out, RNGAlgorithmList): the EFI_RNG_ALGORITHM GUIDs offered.</summary>
    public delegate* unmanaged<RngProtocol*, nuint*, EfiGuid*, EfiStatus> GetInfo;

    /// <summary>(This, RNGAlgorithm or null for the default, RNGValueLength, RNGValue).</summary>
    public delegate* unmanaged<RngProtocol*, EfiGuid*, nuint, byte*, EfiStatus> GetRng;
}
