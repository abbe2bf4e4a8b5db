namespace System.Runtime;

/// <summary>ILC emits the method under this global symbol name (for generated code and the native stubs to call).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class RuntimeExportAttribute : Attribute
{
    public RuntimeExportAttribute(string entry) => Entry = entry;

    public string Entry { get; }
}

/// <summary>The method's body is the native symbol <c>entry</c> (one of the stubs in Native/*.S).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class RuntimeImportAttribute : Attribute
{
    public RuntimeImportAttribute(string lib) => DllName = lib;

    public RuntimeImportAttribute(string lib, string entry)
    {
        DllName = lib;
        EntryPoint = entry;
    }

    public string DllName { get; }
    public string? EntryPoint { get; }
}
