using System.Runtime.InteropServices;
using Internal.Runtime;

namespace UefiRecovery.Efi;

/// <summary>The image entry point the firmware calls (UEFI 2.10 §4.1, EFI_IMAGE_ENTRY_POINT).</summary>
internal static unsafe class EfiEntry
{
    // (EFI_HANDLE ImageHandle, EFI_SYSTEM_TABLE *SystemTable): both pointers go straight to the runtime and to
    // the safe layer (UefiSystemTable), which is the only code that reads the table.
    [UnmanagedCallersOnly(EntryPoint = "EfiMain")]
    private static nuint EfiMain(void* imageHandle, void* systemTable)
    {
        // Before anything allocates or reads a static: statics objects, arena, null-page guard.
        EfiRuntime.Initialize(imageHandle, systemTable);
        nuint status = Program.Run(UefiSystemTable.FromEntryPoint(imageHandle, systemTable));
        EfiRuntime.Shutdown();
        return status;
    }
}
