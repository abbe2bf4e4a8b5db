using System;
using Internal.Runtime.Platform;

namespace Internal.Runtime;

/// <summary>Writes UTF-16 text to the firmware console (ConOut) in small null-terminated chunks.</summary>
internal static unsafe class EfiConsole
{
    internal static void Write(ReadOnlySpan<char> text)
    {
        EfiSystemTable* st = EfiRuntime.SystemTablePointer;
        if (st == null || st->ConOut == null)
            return;

        char* chunk = stackalloc char[65];
        int i = 0;
        while (i < text.Length)
        {
            int n = 0;
            while (n < 64 && i < text.Length)
                chunk[n++] = text[i++];
            chunk[n] = '\0';
            st->ConOut->OutputString(st->ConOut, chunk);
        }
    }
}
