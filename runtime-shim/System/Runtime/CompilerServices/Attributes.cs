namespace System.Runtime.CompilerServices;

// Attributes the C# compiler and ILC look for by name. Each exists in .NET with the same shape.

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method | AttributeTargets.Field, Inherited = false)]
internal sealed class IntrinsicAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Struct)]
public sealed class IsByRefLikeAttribute : Attribute
{
    public IsByRefLikeAttribute() { }
}

[AttributeUsage(AttributeTargets.All, Inherited = false)]
public sealed class IsReadOnlyAttribute : Attribute
{
    public IsReadOnlyAttribute() { }
}

[AttributeUsage(AttributeTargets.All)]
public sealed class CompilerGeneratedAttribute : Attribute
{
    public CompilerGeneratedAttribute() { }
}

[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Assembly)]
public sealed class ExtensionAttribute : Attribute
{
    public ExtensionAttribute() { }
}

[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class IndexerNameAttribute : Attribute
{
    public IndexerNameAttribute(string indexerName) { }
}

[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class InternalsVisibleToAttribute : Attribute
{
    public InternalsVisibleToAttribute(string assemblyName) => AssemblyName = assemblyName;

    public string AssemblyName { get; }
    public bool AllInternalsVisible { get; set; } = true;
}

[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class FixedBufferAttribute : Attribute
{
    public FixedBufferAttribute(Type elementType, int length)
    {
        Length = length;
    }

    public int Length { get; }
}

[AttributeUsage(AttributeTargets.Struct, AllowMultiple = false)]
public sealed class InlineArrayAttribute : Attribute
{
    public InlineArrayAttribute(int length) => Length = length;

    public int Length { get; }
}

[AttributeUsage(AttributeTargets.Module | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface |
    AttributeTargets.Constructor | AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Event, Inherited = false)]
public sealed class SkipLocalsInitAttribute : Attribute
{
    public SkipLocalsInitAttribute() { }
}

[AttributeUsage(AttributeTargets.Constructor | AttributeTargets.Method, Inherited = false)]
public sealed class MethodImplAttribute : Attribute
{
    public MethodImplAttribute(MethodImplOptions methodImplOptions) => Value = methodImplOptions;

    public MethodImplAttribute(short value) => Value = (MethodImplOptions)value;

    public MethodImplOptions Value { get; }
}

[Flags]
public enum MethodImplOptions
{
    Unmanaged = 0x0004,
    NoInlining = 0x0008,
    ForwardRef = 0x0010,
    Synchronized = 0x0020,
    NoOptimization = 0x0040,
    PreserveSig = 0x0080,
    AggressiveInlining = 0x0100,
    AggressiveOptimization = 0x0200,
    InternalCall = 0x1000,
}

[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class ModuleInitializerAttribute : Attribute
{
    public ModuleInitializerAttribute() { }
}

// Calling-convention marker types for delegate* unmanaged[...] signatures.
public class CallConvCdecl { public CallConvCdecl() { } }
public class CallConvStdcall { public CallConvStdcall() { } }
public class CallConvThiscall { public CallConvThiscall() { } }
public class CallConvFastcall { public CallConvFastcall() { } }
public class CallConvSuppressGCTransition { public CallConvSuppressGCTransition() { } }
public class CallConvMemberFunction { public CallConvMemberFunction() { } }

// The C# compiler's interpolated-string handler pattern (MemoryExtensions.TryWrite).
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class InterpolatedStringHandlerAttribute : Attribute
{
    public InterpolatedStringHandlerAttribute() { }
}

[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class InterpolatedStringHandlerArgumentAttribute : Attribute
{
    public InterpolatedStringHandlerArgumentAttribute(string argument) => Arguments = new string[] { argument };

    public InterpolatedStringHandlerArgumentAttribute(params string[] arguments) => Arguments = arguments;

    public string[] Arguments { get; }
}
