namespace System;

/// <summary>Base of all enums. Enums are stored as their underlying primitive; no reflection over names.</summary>
public abstract class Enum : ValueType
{
}
