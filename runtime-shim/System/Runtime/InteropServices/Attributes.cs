namespace System.Runtime.InteropServices;

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class StructLayoutAttribute : Attribute
{
    public StructLayoutAttribute(LayoutKind layoutKind) => Value = layoutKind;

    public StructLayoutAttribute(short layoutKind) => Value = (LayoutKind)layoutKind;

    public LayoutKind Value { get; }

#pragma warning disable CS0649
    public int Pack;
    public int Size;
    public CharSet CharSet;
#pragma warning restore CS0649
}

public enum LayoutKind
{
    Sequential = 0,
    Explicit = 2,
    Auto = 3,
}

public enum CharSet
{
    None = 1,
    Ansi = 2,
    Unicode = 3,
    Auto = 4,
}

[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class FieldOffsetAttribute : Attribute
{
    public FieldOffsetAttribute(int offset) => Value = offset;

    public int Value { get; }
}

[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class UnmanagedCallersOnlyAttribute : Attribute
{
    public UnmanagedCallersOnlyAttribute() { }

#pragma warning disable CS0649
    public Type[]? CallConvs;
    public string? EntryPoint;
#pragma warning restore CS0649
}

[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class InAttribute : Attribute
{
    public InAttribute() { }
}

[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class OutAttribute : Attribute
{
    public OutAttribute() { }
}
