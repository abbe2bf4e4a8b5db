namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>A generic container, instantiated over structs (own code per type) and classes (shared code).</summary>
internal sealed class Slot<T>
{
    private T _value;

    public Slot(T value) => _value = value;

    public T Value => _value;

    public void Set(T value) => _value = value;

    public bool HoldsDefault() => _value is null || _value.Equals(default(T));
}

internal interface IWeighted
{
    int Weight { get; }
}

internal readonly struct Gram : IWeighted
{
    public Gram(int grams) => Weight = grams;

    public int Weight { get; }
}

internal readonly struct Kilogram : IWeighted
{
    private readonly int _kilograms;

    public Kilogram(int kilograms) => _kilograms = kilograms;

    public int Weight => _kilograms * 1000;
}

internal static class GenericChecks
{
    public static void Run(ISelfTestSink sink)
    {
        Slot<int> ints = new Slot<int>(5);
        ints.Set(ints.Value + 1);
        Slot<long> longs = new Slot<long>(-9);
        sink.Check("generic.over-struct", ints.Value == 6 && longs.Value == -9 && !ints.HoldsDefault() && new Slot<int>(0).HoldsDefault());

        Slot<string> strings = new Slot<string>("abc");
        Slot<Shape> shapes = new Slot<Shape>(new Square(3));
        sink.Check("generic.over-class", strings.Value.Length == 3 && shapes.Value.Area() == 9 && !shapes.HoldsDefault());

        sink.Check("generic.method-over-struct",
            TotalWeight(new Gram[] { new Gram(3), new Gram(9) }) == 12 && TotalWeight(new Kilogram[] { new Kilogram(2) }) == 2000);
        sink.Check("generic.method-over-class", TotalArea(new Rectangle(1, 2), new Triangle(4, 4)) == 10);

        // Constrained calls on a struct: no boxing, so the counter's state advances in place.
        StructCounter counter = default;
        int first = Advance(ref counter);
        int second = Advance(ref counter);
        sink.Check("generic.constrained-struct-call", first == 1 && second == 2);

        // The interface call through a box operates on the box's copy, not on the local.
        ICounter boxed = counter;
        boxed.Next();
        sink.Check("generic.boxed-struct-interface", boxed.Next() == 4 && counter.Next() == 3);

        sink.Check("generic.shared-code-type-identity", IsSlotOf<Shape>(shapes) && !IsSlotOf<string>(shapes) && IsSlotOf<string>(strings));
    }

    private static int TotalWeight<T>(T[] items) where T : struct, IWeighted
    {
        int total = 0;
        for (int i = 0; i < items.Length; i++)
            total += items[i].Weight;
        return total;
    }

    private static int TotalArea<T1, T2>(T1 a, T2 b) where T1 : IShape where T2 : IShape => a.Area() + b.Area();

    private static int Advance<T>(ref T counter) where T : struct, ICounter => counter.Next();

    private static bool IsSlotOf<T>(object o) where T : class => o is Slot<T>;
}
