namespace System;

/// <summary>Declared because the compilers need it. Floating point is not part of the portable subset.</summary>
public readonly struct Single
{
#pragma warning disable CS0169
    private readonly float m_value;
#pragma warning restore CS0169
}
