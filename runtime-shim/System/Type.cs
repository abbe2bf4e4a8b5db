namespace System;

/// <summary>
/// Exists only so that signatures copied from .NET (IFormatProvider.GetFormat) compile. There is no
/// reflection in the shim, and nothing can create an instance.
/// </summary>
public abstract class Type
{
    private protected Type() { }
}
