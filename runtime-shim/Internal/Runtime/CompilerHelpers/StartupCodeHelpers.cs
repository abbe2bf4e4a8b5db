using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Start-up work the NativeAOT runtime normally does before managed code runs: find ILC's module
/// headers and give every type with reference-typed static fields its statics object. ILC also
/// requires this class to exist by name.
/// </summary>
internal static unsafe class StartupCodeHelpers
{
    // ReadyToRunHeader.Signature: "RTR\0".
    private const uint ReadyToRunSignature = 0x00525452;

    // ReadyToRunSectionType values used here (NativeAOT range).
    private const int GCStaticRegionSection = 201;
    private const int EagerCctorSection = 205;

    // Flags in the low bits of a GC-static block before start-up fills it in.
    private const nint GCStaticUninitialized = 0x1;
    private const nint GCStaticHasPreInitializedData = 0x2;
    private const nint GCStaticMask = 0x3;

    private static bool s_initialized;

    [RuntimeImport("*", "ShimModulesStart")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    private static extern void** ModulesStart();

    [RuntimeImport("*", "ShimModulesEnd")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    private static extern void** ModulesEnd();

    private struct ReadyToRunHeader
    {
        public uint Signature;
        public ushort MajorVersion;
        public ushort MinorVersion;
        public uint Flags;
        public ushort NumberOfSections;
        public byte EntrySize;
        public byte EntryType;
        // ModuleInfoRow[NumberOfSections] follows.
    }

    private struct ModuleInfoRow
    {
        public int SectionId;
        public int Flags;
        public byte* Start;
        public byte* End;
    }

    internal static void InitializeModules()
    {
        if (s_initialized)
            return;
        s_initialized = true;

        for (void** p = ModulesStart(); p < ModulesEnd(); p++)
        {
            // The markers themselves and linker padding are zero.
            if (*p == null)
                continue;
            InitializeModule((ReadyToRunHeader*)*p);
        }
    }

    private static void InitializeModule(ReadyToRunHeader* header)
    {
        if (header->Signature != ReadyToRunSignature || header->EntrySize != sizeof(ModuleInfoRow))
            FailFastCore.Stop(FailFastKind.InvalidProgram, "ILC module header not understood (ILC version mismatch?); header:", (ulong)header);

        ModuleInfoRow* rows = (ModuleInfoRow*)(header + 1);
        for (int i = 0; i < header->NumberOfSections; i++)
        {
            if (rows[i].SectionId == GCStaticRegionSection)
                InitializeGCStatics(rows[i].Start, rows[i].End);
        }
        for (int i = 0; i < header->NumberOfSections; i++)
        {
            if (rows[i].SectionId == EagerCctorSection)
                RunEagerClassConstructors(rows[i].Start, rows[i].End);
        }
    }

    // Each region entry is a 32-bit relative pointer to a block; the block initially holds a relative
    // pointer to the statics type's MethodTable (flags in the low bits), followed, when the static
    // constructor was evaluated at compile time, by a relative pointer to the preinitialized data.
    // Start-up replaces the block's first word by a pointer to a freshly allocated statics object.
    private static void InitializeGCStatics(byte* start, byte* end)
    {
        for (byte* entry = start; entry < end; entry += sizeof(int))
        {
            nint* block = (nint*)ReadRelative(entry);
            nint typeWithFlags = (nint)ReadRelative((byte*)block);
            if ((typeWithFlags & GCStaticUninitialized) == 0)
                continue;

            MethodTable* staticsType = (MethodTable*)(typeWithFlags & ~GCStaticMask);
            byte* obj = (byte*)Arena.Allocate(staticsType->BaseSize);
            *(MethodTable**)obj = staticsType;

            if ((typeWithFlags & GCStaticHasPreInitializedData) != 0)
            {
                byte* data = ReadRelative((byte*)block + sizeof(int));
                // Data size of the statics object: base size minus object header and MethodTable pointer.
                nuint size = staticsType->BaseSize - (nuint)(2 * sizeof(nint));
                Buffer.Memmove(ref *(obj + sizeof(nint)), ref *data, size);
            }

            *block = (nint)obj;
        }
    }

    private static void RunEagerClassConstructors(byte* start, byte* end)
    {
        for (byte* entry = start; entry < end; entry += sizeof(int))
            ((delegate*<void>)ReadRelative(entry))();
    }

    private static byte* ReadRelative(byte* at) => at + *(int*)at;
}
