namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class AllocationChecks
{
    private sealed class ThreeFields
    {
        public int A { get; set; }
        public long B { get; set; }
        public object? C { get; set; }
    }

    /// <summary>A struct with a reference inside: copying it into the heap copies the reference too.</summary>
    private struct Tagged
    {
        public object? Payload;
        public int Tag;
        public string? Name;
    }

    public static void Run(ISelfTestSink sink)
    {
        byte[] bytes = new byte[4099];
        bool allZero = true;
        for (int i = 0; i < bytes.Length; i++)
            allZero &= bytes[i] == 0;
        sink.Check("alloc.array-zeroed", allZero && bytes.Length == 4099);

        ThreeFields f = new ThreeFields();
        sink.Check("alloc.object-zeroed", f.A == 0 && f.B == 0 && f.C == null);

        ulong[] words = new ulong[3];
        words[2] = ulong.MaxValue;
        sink.Check("alloc.array-write-read", words[0] == 0 && words[2] == ulong.MaxValue && words.Length == 3);

        byte[] empty = new byte[0];
        sink.Check("alloc.empty-array", empty.Length == 0);

        byte[] a = new byte[16];
        byte[] b = new byte[16];
        a[15] = 1;
        sink.Check("alloc.distinct-objects", !ReferenceEquals(a, b) && b[15] == 0);

        Tagged local = new Tagged { Payload = a, Tag = 7, Name = "n" };
        Tagged[] heap = new Tagged[2];
        heap[1] = local;
        Tagged back = heap[1];
        sink.Check("alloc.struct-with-references-copy", ReferenceEquals(back.Payload, a) && back.Tag == 7 && back.Name == "n" && heap[0].Payload == null);
    }
}
