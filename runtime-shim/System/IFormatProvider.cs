namespace System;

/// <summary>Present for .NET's TryFormat signatures. The shim formats invariantly and ignores any provider.</summary>
public interface IFormatProvider
{
    object? GetFormat(Type? formatType);
}
