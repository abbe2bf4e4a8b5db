namespace System;

// The layout of an array's header, for finding the first element.
internal sealed class RawArrayData
{
#pragma warning disable CS0649
    public uint Length;
    public uint Padding;
    public byte Data;
#pragma warning restore CS0649
}
