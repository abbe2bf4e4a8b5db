using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

public static class LayoutAssert
{
    /// <summary>
    /// Checks the size, each field's offset, and that <typeparamref name="T"/> declares exactly the
    /// listed instance fields in the listed order (fixed buffers count as one field).
    /// </summary>
    public static void Matches<T>(int actualSize, int expectedSize, params FieldOffset[] fields)
    {
        string[] declared = typeof(T)
            .GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .OrderBy(f => f.MetadataToken)
            .Select(f => f.Name)
            .ToArray();
        Assert.Equal(fields.Select(f => f.Name).ToArray(), declared);

        foreach (FieldOffset field in fields)
        {
            Assert.True(field.Actual == field.Expected,
                $"{typeof(T).Name}.{field.Name}: offset 0x{field.Actual:X}, spec says 0x{field.Expected:X}");
        }

        Assert.True(actualSize == expectedSize, $"sizeof({typeof(T).Name}) = 0x{actualSize:X}, spec says 0x{expectedSize:X}");
        Assert.Equal(expectedSize, actualSize);
    }
}
