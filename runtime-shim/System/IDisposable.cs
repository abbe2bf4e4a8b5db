namespace System;

/// <summary>For efi-app's scoped protocol handles (using var ...). Portable code must not use it.</summary>
public interface IDisposable
{
    void Dispose();
}
