namespace System.Runtime.CompilerServices;

/// <summary>The C# compiler checks these names in the corlib before it allows the matching language features.</summary>
public static class RuntimeFeature
{
    public const string PortablePdb = nameof(PortablePdb);
    public const string DefaultImplementationsOfInterfaces = nameof(DefaultImplementationsOfInterfaces);
    public const string UnmanagedSignatureCallingConvention = nameof(UnmanagedSignatureCallingConvention);
    public const string CovariantReturnsOfClasses = nameof(CovariantReturnsOfClasses);
    public const string ByRefFields = nameof(ByRefFields);
    public const string VirtualStaticsInInterfaces = nameof(VirtualStaticsInInterfaces);
    public const string NumericIntPtr = nameof(NumericIntPtr);
}
