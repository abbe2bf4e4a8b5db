namespace UefiRecovery.Efi.Services.Machine;

/// <summary>The values written to isa-debug-exit (QEMU exits with value*2+1). Same numbers as the runtime's fail-fast exit.</summary>
internal static class MachineExitCodes
{
    public const int Success = 0;   // QEMU exit status 1
    public const int Failure = 1;   // QEMU exit status 3
    public const int FailFast = 2;  // QEMU exit status 5
}
