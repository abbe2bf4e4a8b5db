using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// Text output through EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL.OutputString (UEFI 2.10 §12.4.3), which takes
/// a NUL-terminated UCS-2 string. Text is copied through a small stack buffer, so any span can be
/// written without allocating. A lone "\n" becomes "\r\n": the serial console OVMF redirects
/// ConOut to needs the carriage return.
/// </summary>
public readonly unsafe struct UefiConsole
{
    private const int ChunkChars = 126;

    private readonly SimpleTextOutputProtocol* output;

    /// <param name="output">SystemTable.ConOut or StdErr.</param>
    public UefiConsole(SimpleTextOutputProtocol* output) => this.output = output;

    public SimpleTextOutputProtocol* Raw => output;

    /// <summary>False when the system table has no such console: then nothing is written.</summary>
    public bool IsAvailable => output != null;

    /// <summary>
    /// One OutputString call with <paramref name="textWithNul"/> as it is (it must end with a NUL, which is
    /// not printed): a line that the caller has already ended with CR LF goes out in one piece.
    /// </summary>
    public EfiResult OutputString(ReadOnlySpan<char> textWithNul)
    {
        if (output == null)
            return EfiResult.From(EfiStatus.Unsupported);
        if (textWithNul.IsEmpty || textWithNul[textWithNul.Length - 1] != '\0')
            return EfiResult.From(EfiStatus.InvalidParameter);
        fixed (char* text = textWithNul)
        {
            return EfiResult.From(output->OutputString(output, text), WarningPolicy.TreatAsSuccess);
        }
    }

    /// <summary>Writes <paramref name="text"/>; the first failing status stops the output.</summary>
    public EfiResult Write(ReadOnlySpan<char> text)
    {
        // Room for a chunk, a possible "\r" before its last "\n", and the NUL.
        char* chunk = stackalloc char[ChunkChars + 2];
        int used = 0;
        char previous = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n' && previous != '\r')
            {
                chunk[used++] = '\r';
            }

            chunk[used++] = c;
            previous = c;
            if (used >= ChunkChars)
            {
                EfiResult flushed = Flush(chunk, used);
                if (!flushed.IsSuccess)
                {
                    return flushed;
                }

                used = 0;
            }
        }

        return used == 0 ? EfiResult.From(EfiStatus.Success) : Flush(chunk, used);
    }

    public EfiResult WriteLine(ReadOnlySpan<char> text)
    {
        EfiResult result = Write(text);
        return result.IsSuccess ? Write("\r\n") : result;
    }

    private EfiResult Flush(char* chunk, int used)
    {
        chunk[used] = '\0';
        // EFI_WARN_UNKNOWN_GLYPH: the text was written, some glyph shown as a placeholder.
        return EfiResult.From(output->OutputString(output, chunk), WarningPolicy.TreatAsSuccess);
    }
}
