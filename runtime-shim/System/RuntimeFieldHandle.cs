namespace System;

/// <summary>Required by the compilers as a well-known type. There is no reflection, so it carries nothing.</summary>
public struct RuntimeFieldHandle
{
}
