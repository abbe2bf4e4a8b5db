namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class DispatchChecks
{
    // One interface call site, used by every receiver type.
    private static int AreaOf(IShape shape) => shape.Area();

    // One call site for IMixedArguments: a receiver type different from the last one always takes the
    // dispatch stub's slow path (save arguments, resolve in C#, restore, jump), so alternating types test it.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WideValue CombineThrough(IMixedArguments target, WideValue w, int k) =>
        target.Combine(w, 1.5 + k, 2.25f, 3, 4, 5, 6, 7, 8, 9 + k, 10 + k, -11, 12, 13L << 33, 14, 15, 16, 17, 18 + k);

    private static bool MixedArgumentsSurviveDispatch()
    {
        IMixedArguments[] targets = new IMixedArguments[] { new MixedArgumentsA(), new MixedArgumentsB() };
        WideValue w;
        w.A = 3;
        w.B = 5;
        w.C = 7;
        bool ok = true;
        for (int k = 0; k < 6; k++)
        {
            WideValue r = CombineThrough(targets[k & 1], w, k);
            double d1 = 1.5 + k;
            double d9 = 9 + k;
            long i1 = 10 + k;
            long i9 = 18 + k;
            long i4 = 13L << 33;
            WideValue e;
            if ((k & 1) == 0)
            {
                e.A = 15;
                e.B = (long)(d1 + 2.25 * 2 + 3 * 4 + 4 * 8 + 5 * 16 + 6 * 32 + 7 * 64 + 8 * 128 + d9 * 256);
                e.C = i1 - 11 * 2 + 12 * 4 + i4 * 8 + 14 * 16 + 15 * 32 + 16 * 64 + 17 * 128 + i9 * 256 + 1;
            }
            else
            {
                e.A = 105;
                e.B = (long)(d9 + 8 * 2 + 7 * 4 + 6 * 8 + 5 * 16 + 4 * 32 + 3 * 64 + 2.25 * 128 + d1 * 256);
                e.C = i9 + 17 * 2 + 16 * 4 + 15 * 8 + 14 * 16 + i4 * 32 + 12 * 64 - 11 * 128 + i1 * 256 + 2;
            }
            ok &= r.A == e.A && r.B == e.B && r.C == e.C;
        }
        return ok;
    }

    public static void Run(ISelfTestSink sink)
    {
        Shape[] shapes = new Shape[] { new Rectangle(2, 3), new Square(4), new Triangle(6, 2) };
        sink.Check("dispatch.virtual", shapes[0].Area() == 6 && shapes[1].Area() == 16 && shapes[2].Area() == 6);
        sink.Check("dispatch.virtual-override-chain", shapes[0].Kind() == 1 && shapes[1].Kind() == 2 && shapes[2].Kind() == 1);

        // One interface call site, three receiver types: the dispatch must follow the receiver.
        int areas = 0;
        int sides = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            IShape s = shapes[i];
            areas += s.Area();
            sides += s.Sides;
        }
        sink.Check("dispatch.interface-polymorphic", areas == 28 && sides == 11);

        // The same call site again and again, with the receiver type changing every time and then
        // staying put: the runtime's per-call-site cache must follow the receiver in both patterns.
        IShape[] mixed = new IShape[] { new Rectangle(2, 3), new Hexagon(), new Triangle(6, 2) };
        int rotating = 0;
        for (int i = 0; i < 30; i++)
            rotating += AreaOf(mixed[i % 3]);
        int steady = 0;
        for (int i = 0; i < 30; i++)
            steady += AreaOf(mixed[i < 10 ? 0 : i < 20 ? 1 : 2]);
        sink.Check("dispatch.interface-call-site-cache", rotating == 10 * (6 + 60 + 6) && steady == rotating);

        INamed named = new Square(1);
        sink.Check("dispatch.interface-inherited-impl", named.NameLength() == 9);
        sink.Check("dispatch.default-interface-method", named.NameLengthTimesTwo() == 18);

        sink.Check("dispatch.interface-slow-path-keeps-fp-struct-and-indirect-result-arguments", MixedArgumentsSurviveDispatch());

        object o = new Triangle(1, 1);
        sink.Check("dispatch.object-virtual", o.Equals(o) && !o.Equals(new Triangle(1, 1)));
    }
}
