namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>
/// Code that must not complete. On EFI each ends in the runtime's fail-fast; on .NET the same code
/// throws the matching exception (IndexOutOfRangeException, NullReferenceException, ...), which is
/// what the host test checks. Values come through <see cref="Opaque"/> so the compiler cannot fold them.
/// </summary>
public static class FailFastTriggers
{
    private sealed class Holder
    {
        public int Field { get; set; }
    }

    /// <summary>Runs the scenario. Returns only if the runtime failed to stop (a self-test failure).</summary>
    public static int Trigger(FailFastScenario scenario)
    {
        switch (scenario)
        {
            case FailFastScenario.Bounds:
                {
                    int[] array = new int[4];
                    return array[Opaque(4)];
                }
            case FailFastScenario.Null:
                {
                    Holder? holder = OpaqueNull();
                    return holder!.Field;
                }
            case FailFastScenario.Overflow:
                return checked(int.MaxValue + Opaque(1));
            case FailFastScenario.DivideByZero:
                return 100 / Opaque(0);
            case FailFastScenario.InvalidCast:
                {
                    object o = new Unrelated();
                    Shape s = (Shape)o;
                    return s.Sides;
                }
            case FailFastScenario.ArrayStore:
                {
                    Shape[] shapes = new Square[1];
                    shapes[Opaque(0)] = new Triangle(1, 1);
                    return shapes.Length;
                }
            case FailFastScenario.FailFast:
                Environment.FailFast("selftest: explicit Environment.FailFast");
                return 0;
            case FailFastScenario.OutOfMemory:
                {
                    // Keep every block reachable: 64 MiB at a time until the arena or the firmware gives out.
                    byte[][] blocks = new byte[256][];
                    for (int i = 0; i < blocks.Length; i++)
                        blocks[i] = new byte[64 * 1024 * 1024];
                    return blocks.Length;
                }
            default:
                return 0;
        }
    }

    private static int s_opaque;

    // Read through a static so the JIT cannot constant-fold the failing operation away.
    private static int Opaque(int value)
    {
        s_opaque = value;
        return s_opaque;
    }

    private static Holder? s_null = Opaque(0) == 1 ? new Holder() : null;

    private static Holder? OpaqueNull() => s_null;
}
