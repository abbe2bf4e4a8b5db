namespace System;

/// <summary>The layout of an object's fields after the MethodTable pointer: the first byte of the data.</summary>
internal sealed class RawData
{
#pragma warning disable CS0649
    public byte Data;
#pragma warning restore CS0649
}
