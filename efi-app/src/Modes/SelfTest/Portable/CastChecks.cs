using System.Runtime.CompilerServices;

namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class CastChecks
{
    public static void Run(ISelfTestSink sink)
    {
        // Through a call the compiler cannot see into: with the exact type known, ILC folds a cast to a
        // constant and the runtime's type check never runs (a broken check then went unnoticed).
        object square = Opaque(new Square(2));
        object triangle = Opaque(new Triangle(2, 2));
        object unrelated = Opaque(new Unrelated());
        object? nothing = null;

        sink.Check("cast.is-class-hierarchy", square is Shape && square is Rectangle && square is Square && !(triangle is Rectangle));
        sink.Check("cast.is-interface", square is IShape && square is INamed && triangle is IShape && !(triangle is INamed) && !(unrelated is IShape));
        sink.Check("cast.invalid-as-returns-null", (unrelated as Shape) == null && (triangle as Rectangle) == null && (unrelated as IShape) == null);
        sink.Check("cast.valid-as", (square as Rectangle) != null && (square as INamed) != null);
        sink.Check("cast.null-is-nothing", !(nothing is Shape) && (nothing as Shape) == null && (Shape?)nothing == null);

        Shape downcast = (Shape)square;
        Rectangle rect = (Rectangle)downcast;
        IShape viaInterface = (IShape)triangle;
        sink.Check("cast.valid-castclass", rect.Area() == 4 && viaInterface.Sides == 3);

        object intSlot = new Slot<int>(1);
        object stringSlot = new Slot<string>("x");
        sink.Check("cast.generic-instantiations-differ",
            intSlot is Slot<int> && !(intSlot is Slot<long>) && stringSlot is Slot<string> && !(stringSlot is Slot<Shape>));

        object str = "text";
        sink.Check("cast.string", str is string && !(square is string) && (str as string) == "text");

        object array = new int[3];
        sink.Check("cast.arrays-are-objects", array is int[] && !(array is object[]) && !(array is long[]) && !(array is string));

        // ECMA-335 I.8.7: arrays of same-size integers and of enums over them are interchangeable,
        // but bool and char are not interchangeable with byte and ushort.
        object colors = new Color[2];
        object chars = new char[2];
        sink.Check("cast.array-integer-equivalence",
            array is uint[] && colors is byte[] && colors is sbyte[] && !(colors is bool[]) && !(chars is ushort[]) && !(array is float[]));

        sink.Check("cast.pattern-with-variable", square is Rectangle r && r.Sides == 4 && !(triangle is Rectangle _));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object Opaque(object value) => value;
}
