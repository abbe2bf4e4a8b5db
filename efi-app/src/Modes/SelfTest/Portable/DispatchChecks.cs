namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class DispatchChecks
{
    // One interface call site, used by every receiver type.
    private static int AreaOf(IShape shape) => shape.Area();

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

        object o = new Triangle(1, 1);
        sink.Check("dispatch.object-virtual", o.Equals(o) && !o.Equals(new Triangle(1, 1)));
    }
}
