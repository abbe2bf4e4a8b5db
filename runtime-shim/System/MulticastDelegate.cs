namespace System;

/// <summary>Required by the compilers as a well-known type. Delegates are not part of the portable subset.</summary>
public abstract class MulticastDelegate : Delegate
{
    private protected MulticastDelegate() { }
}
