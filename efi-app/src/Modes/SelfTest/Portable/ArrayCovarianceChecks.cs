namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class ArrayCovarianceChecks
{
    public static void Run(ISelfTestSink sink)
    {
        object squares = new Square[2];
        sink.Check("array.covariant-is",
            squares is Shape[] && squares is Rectangle[] && squares is object[] && squares is IShape[] && !(squares is Triangle[]));

        // Storing a derived object into an array typed by its base is allowed.
        Shape[] shapes = new Rectangle[2];
        shapes[0] = new Square(3);
        shapes[1] = null!;
        sink.Check("array.covariant-store-valid", shapes[0].Area() == 9 && shapes[1] == null);

        object[] objects = new string[1];
        objects[0] = "ok";
        sink.Check("array.covariant-store-string", (string)objects[0] == "ok");

        // A writable span needs the exact element type; a read-only one may view a covariant array.
        Span<Shape> exact = new Shape[2];
        exact[0] = new Triangle(2, 3);
        ReadOnlySpan<Shape> covariant = new Square[] { new Square(2) };
        sink.Check("array.span-over-reference-array", exact[0].Area() == 3 && exact.Length == 2 && covariant[0].Area() == 4);

        object[] plain = new object[2];
        plain[0] = new Unrelated();
        plain[1] = 5;
        sink.Check("array.object-array-any", plain[0] is Unrelated && (int)plain[1] == 5);
    }
}
