using Internal.Runtime.CompilerHelpers;
using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>
/// The runtime's start-up and the handful of hooks efi-app needs (visible to it through
/// InternalsVisibleTo, so the public API stays a subset of .NET's). efi-app's EfiMain calls
/// <see cref="Initialize"/> before it touches any static field or allocates.
/// </summary>
internal static unsafe class EfiRuntime
{
    private static EfiSystemTable* s_systemTable;
    private static void* s_imageHandle;

    internal static EfiSystemTable* SystemTablePointer => s_systemTable;

    /// <summary>The EFI_SYSTEM_TABLE* passed to the image entry point.</summary>
    internal static void* SystemTable => s_systemTable;

    /// <summary>The EFI_HANDLE of this image.</summary>
    internal static void* ImageHandle => s_imageHandle;

    internal static void Initialize(void* imageHandle, void* systemTable)
    {
        s_imageHandle = imageHandle;
        s_systemTable = (EfiSystemTable*)systemTable;
        StartupCodeHelpers.InitializeModules();
        NullPageGuard.TryEnable();
    }

    /// <summary>Undo what Initialize changed in the firmware (the null-page guard) before returning to it.</summary>
    internal static void Shutdown() => NullPageGuard.Disable();

    /// <summary>Install efi-app's machine-exit routine (debug-exit port or reset); see <see cref="MachineExit"/>.</summary>
    internal static void SetExitHandler(delegate*<int, void> handler) => MachineExit.SetHandler(handler);

    /// <summary>Stop the machine with 0 (success), 1 (failure) or 2 (fail-fast).</summary>
    internal static void Exit(int code) => MachineExit.Stop(code);

    internal static ulong ArenaUsed => Arena.Used;

    internal static ulong ArenaHighWater => Arena.HighWater;

    internal static ulong ArenaReserved => Arena.Reserved;

    internal static ulong ArenaLimit
    {
        get => Arena.Limit;
        set => Arena.Limit = value;
    }

    /// <summary>The size of a standard arena chunk (a bigger object gets a chunk of its own).</summary>
    internal static ulong ArenaChunkBytes => ArenaCursor.ChunkBytes;

    /// <summary>Bytes the arena's current chunk can still hand out.</summary>
    internal static ulong ArenaChunkRemaining => Arena.ChunkRemaining;

    /// <summary>Address of the guard word in the last word of the arena's current chunk.</summary>
    internal static ulong ArenaGuardAddress => Arena.GuardAddress;

    /// <summary>True when the arena guard word at <paramref name="address"/> is intact.</summary>
    internal static bool ArenaGuardIntact(ulong address) => Arena.GuardIntact(address);

    internal static bool NullPageGuardActive => NullPageGuard.IsActive;
}
