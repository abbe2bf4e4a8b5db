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
