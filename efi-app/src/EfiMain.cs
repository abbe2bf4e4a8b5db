using System.Runtime.InteropServices;
using Internal.Runtime;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi;

/// <summary>The image entry point the firmware calls (UEFI 2.10 §4.1, EFI_IMAGE_ENTRY_POINT).</summary>
internal static unsafe class EfiEntry
{
    [UnmanagedCallersOnly(EntryPoint = "EfiMain")]
    private static nuint EfiMain(void* imageHandle, SystemTable* systemTable)
    {
        // Before anything allocates or reads a static: statics objects, arena, null-page guard.
        EfiRuntime.Initialize(imageHandle, systemTable);
        nuint status = Program.Run(imageHandle, systemTable);
        EfiRuntime.Shutdown();
        return status;
    }
}
