using Internal.Runtime;

namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>
/// Checks only the EFI build can make: the shim's view of ILC's MethodTable layout (the contract the
/// casts and interface dispatch rely on), the null-page guard, and the arena's counters.
/// </summary>
internal static unsafe class RuntimeChecks
{
    public static void Run(ISelfTestSink sink)
    {
        MethodTable* intArray = MethodTable.Of<int[]>();
        sink.Check("runtime.methodtable-array",
            intArray->IsSzArray && intArray->ComponentSize == 4 && intArray->RelatedParameterType == MethodTable.Of<int>() &&
            intArray->BaseSize == 24);

        MethodTable* square = MethodTable.Of<Square>();
        sink.Check("runtime.methodtable-class",
            !square->IsValueType && !square->IsInterface && square->BaseType == MethodTable.Of<Rectangle>() &&
            MethodTable.Of<Rectangle>()->BaseType == MethodTable.Of<Shape>() && MethodTable.Of<object>()->BaseType == null);

        sink.Check("runtime.methodtable-kinds",
            MethodTable.Of<int>()->IsValueType && MethodTable.Of<int>()->IsPrimitive && MethodTable.Of<IShape>()->IsInterface &&
            MethodTable.Of<Color>()->ElementType == EETypeElementType.Byte && MethodTable.Of<string>()->ComponentSize == 2);

        sink.Check("runtime.methodtable-interface-map", ImplementsByMap(MethodTable.Of<Rectangle>(), MethodTable.Of<INamed>()));

        sink.Check("runtime.null-page-guard-active", EfiRuntime.NullPageGuardActive);

        ulong word = 0x1122334455667788;
        System.Span<byte> overPointer = new System.Span<byte>(&word, sizeof(ulong));
        overPointer[0] = 0xAA;
        System.ReadOnlySpan<uint> readOnly = new System.ReadOnlySpan<uint>(&word, 2);
        sink.Check("runtime.span-over-pointer", word == 0x11223344556677AA && readOnly[1] == 0x11223344 && overPointer.Length == 8);

        int inside = UseScopes(3);
        sink.Check("runtime.using-disposes", inside == 5 && CountingScope.Disposed == 3);

        ulong before = EfiRuntime.ArenaUsed;
        byte[] block = new byte[1000];
        // Escapes through a static, so the JIT cannot put it on the stack (.NET 10 stack-allocates small arrays).
        s_kept = block;
        ulong after = EfiRuntime.ArenaUsed;
        // byte[]'s base size is 24 (header word, MethodTable pointer, length, padding), plus 1000 elements.
        sink.Check("runtime.arena-counts-allocations", block.Length == 1000 && after - before == 1024 && EfiRuntime.ArenaHighWater >= after && EfiRuntime.ArenaReserved >= after);

        sink.Check("runtime.interpolation-allocates-nothing", InterpolationAllocatesNothing());
    }

    /// <summary>TryWrite over strings, spans, integers and a struct of our own: no boxing, no scratch.</summary>
    private static bool InterpolationAllocatesNothing()
    {
        Span<char> buffer = stackalloc char[96];
        InterpolationChecks.Version3 version = new(1, 2, 3);
        ReadOnlySpan<char> word = "span";
        ulong before = EfiRuntime.ArenaUsed;
        bool ok = buffer.TryWrite($"{"text"} {word} {-1} {2u} {3ul:X4} {(ushort)4} {(byte)5} {version}", out int written);
        ulong after = EfiRuntime.ArenaUsed;
        return ok && written > 0 && after == before;
    }

    private static object? s_kept;

    /// <summary>efi-app's protocol scopes rely on `using`: Dispose must run on the normal path (a finally without exceptions).</summary>
    private sealed class CountingScope : System.IDisposable
    {
        public static int Disposed;

        public void Dispose() => Disposed++;
    }

    private static int UseScopes(int n)
    {
        int inside = 0;
        for (int i = 0; i < n; i++)
        {
            using CountingScope scope = new CountingScope();
            inside++;
            if (i == 1)
                continue; // leaving through `continue` must dispose too
            inside++;
        }
        return inside;
    }

    private static bool ImplementsByMap(MethodTable* type, MethodTable* itf)
    {
        for (int i = 0; i < type->NumInterfaces; i++)
        {
            if (type->GetInterface(i) == itf)
                return true;
        }
        return false;
    }
}
