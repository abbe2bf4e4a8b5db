using System.Runtime;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Reference stores into the heap. Without a GC there are no cards to mark, so they are plain stores
/// (RhpByRefAssignRef, which uses RSI/RDI, is in Native/RuntimeStubs.X64.S; AArch64 uses the RhpAssignRefArm64 family there instead).
/// </summary>
internal static unsafe class WriteBarriers
{
    [RuntimeExport("RhpAssignRef")]
    private static void RhpAssignRef(void** destination, void* value) => *destination = value;

    [RuntimeExport("RhpCheckedAssignRef")]
    private static void RhpCheckedAssignRef(void** destination, void* value) => *destination = value;
}
