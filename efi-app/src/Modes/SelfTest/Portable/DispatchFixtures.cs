namespace UefiRecovery.Efi.Modes.SelfTest;

// Small type hierarchy shared by the dispatch, cast and covariance checks.

internal interface IShape
{
    int Area();
    int Sides { get; }
}

internal interface INamed
{
    int NameLength();

    // A default interface method: dispatch must find the interface's own body.
    int NameLengthTimesTwo() => NameLength() * 2;
}

internal abstract class Shape : IShape
{
    public abstract int Area();
    public virtual int Sides => 0;
    public virtual int Kind() => 1;
}

internal class Rectangle : Shape, INamed
{
    private readonly int _w;
    private readonly int _h;

    public Rectangle(int w, int h)
    {
        _w = w;
        _h = h;
    }

    public override int Area() => _w * _h;
    public override int Sides => 4;
    public int NameLength() => "rectangle".Length;
}

internal sealed class Square : Rectangle
{
    public Square(int side) : base(side, side) { }

    public override int Kind() => 2;
}

internal sealed class Triangle : Shape
{
    private readonly int _b;
    private readonly int _h;

    public Triangle(int b, int h)
    {
        _b = b;
        _h = h;
    }

    public override int Area() => _b * _h / 2;
    public override int Sides => 3;
}

/// <summary>Implements IShape without deriving from Shape, so calls through IShape cannot become Shape's virtual calls.</summary>
internal sealed class Hexagon : IShape
{
    public int Area() => 60;
    public int Sides => 6;
}

/// <summary>Unrelated to the shapes: the wrong target for casts.</summary>
internal sealed class Unrelated
{
}

internal interface ICounter
{
    int Next();
}

/// <summary>A struct implementing an interface: constrained calls must not box, and boxed calls must see a copy.</summary>
internal struct StructCounter : ICounter
{
    private int _count;

    public int Next() => ++_count;
}

internal enum Color : byte
{
    Red = 1,
    Green = 2,
}

/// <summary>
/// 24 bytes: too big for registers, so it is passed by reference to a copy and returned through a hidden
/// result pointer (x8 on AArch64, RCX on x64) - the arguments an interface-dispatch stub must not disturb.
/// </summary>
internal struct WideValue
{
    public long A;
    public long B;
    public long C;
}

/// <summary>
/// An interface method with every kind of argument a dispatch stub has to carry through its slow path: the
/// indirect result, a struct by reference, nine floating-point values (one past the eight FP argument
/// registers of AAPCS64, five past x64's four), and nine integers (some on the stack on both).
/// </summary>
internal interface IMixedArguments
{
    WideValue Combine(WideValue w, double d1, float f2, double d3, double d4, double d5, double d6, double d7, double d8, double d9,
        int i1, int i2, int i3, long i4, int i5, int i6, int i7, int i8, int i9);
}

internal sealed class MixedArgumentsA : IMixedArguments
{
    public WideValue Combine(WideValue w, double d1, float f2, double d3, double d4, double d5, double d6, double d7, double d8, double d9,
        int i1, int i2, int i3, long i4, int i5, int i6, int i7, int i8, int i9)
    {
        WideValue r;
        r.A = w.A + w.B + w.C;
        // Exactly representable sums: any lost or swapped FP argument changes the result.
        r.B = (long)(d1 + f2 * 2 + d3 * 4 + d4 * 8 + d5 * 16 + d6 * 32 + d7 * 64 + d8 * 128 + d9 * 256);
        r.C = i1 + i2 * 2L + i3 * 4L + i4 * 8L + i5 * 16L + i6 * 32L + i7 * 64L + i8 * 128L + i9 * 256L + 1;
        return r;
    }
}

internal sealed class MixedArgumentsB : IMixedArguments
{
    public WideValue Combine(WideValue w, double d1, float f2, double d3, double d4, double d5, double d6, double d7, double d8, double d9,
        int i1, int i2, int i3, long i4, int i5, int i6, int i7, int i8, int i9)
    {
        WideValue r;
        r.A = w.A * w.B * w.C;
        r.B = (long)(d9 + d8 * 2 + d7 * 4 + d6 * 8 + d5 * 16 + d4 * 32 + d3 * 64 + f2 * 128 + d1 * 256);
        r.C = i9 + i8 * 2L + i7 * 4L + i6 * 8L + i5 * 16L + i4 * 32L + i3 * 64L + i2 * 128L + i1 * 256L + 2;
        return r;
    }
}
