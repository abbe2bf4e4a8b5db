namespace System;

/// <summary>Declared because the compilers need it. Floating point is not part of the portable subset.</summary>
public readonly struct Double
{
#pragma warning disable CS0169
    private readonly double m_value;
#pragma warning restore CS0169
}
