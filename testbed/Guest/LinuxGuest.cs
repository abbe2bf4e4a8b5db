namespace UefiRecovery.Testbed.Guest;

/// <summary>A built guest: the kernel (an EFI stub, for \EFI\Linux\vmlinuz.efi) and its gzip'd initramfs, and the cache key they are filed under.</summary>
public sealed record LinuxGuest(string KernelPath, string InitrdPath, string ContentKey, string KernelRelease);
