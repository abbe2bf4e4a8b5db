namespace System;

/// <summary>Required by the compilers as well-known types. Delegates are not part of the portable subset.</summary>
public abstract class Delegate
{
    private protected Delegate() { }
}
