namespace System;

// ILC requires the type by name (the JIT may ask for it when it reasons about an object's exact type).
// There is no reflection in the shim; no instance is ever created.
internal sealed class RuntimeType : Type
{
    private RuntimeType() { }
}
