using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>The safe layer over the parts of EFI_RUNTIME_SERVICES (UEFI 2.10 §8) this app uses.</summary>
public readonly unsafe struct UefiRuntimeServices
{
    private readonly RuntimeServices* raw;

    public UefiRuntimeServices(RuntimeServices* raw) => this.raw = raw;

    public RuntimeServices* Raw => raw;

    /// <summary>False when the system table has no runtime services (then nothing here may be called).</summary>
    public bool IsAvailable => raw != null;

    /// <summary>GetTime (§8.3.1): the real-time clock.</summary>
    public EfiResult<Time> GetTime()
    {
        Time time = default;
        EfiStatus status = raw->GetTime(&time, null);
        return EfiResult<Time>.From(status, time);
    }

    /// <summary>
    /// GetVariable (§8.2.1) into <paramref name="data"/>. <paramref name="name"/> must end with a NUL
    /// (UCS-2, as the firmware reads it until the terminator). On Success <paramref name="size"/> is the
    /// number of bytes written; on BufferTooSmall it is the size the variable needs (nothing written);
    /// on any other status it is 0. NotFound: no such variable.
    /// </summary>
    public EfiStatus GetVariable(ReadOnlySpan<char> name, EfiGuid vendor, Span<byte> data, out int size, out uint attributes)
    {
        size = 0;
        attributes = 0;
        if (name.IsEmpty || name[name.Length - 1] != '\0')
            return EfiStatus.InvalidParameter;
        nuint length = (nuint)data.Length;
        uint attributeBits = 0;
        EfiStatus status;
        fixed (char* text = name)
        fixed (byte* bytes = data)
        {
            status = raw->GetVariable(text, &vendor, &attributeBits, &length, bytes);
        }
        if (status == EfiStatus.Success || status == EfiStatus.BufferTooSmall)
        {
            // A firmware that reports more than it was given on Success is not believed.
            if (status == EfiStatus.Success && length > (nuint)data.Length)
                return EfiStatus.BadBufferSize;
            size = length > int.MaxValue ? int.MaxValue : (int)length;
            attributes = attributeBits;
        }
        return status;
    }

    /// <summary>
    /// SetVariable (§8.2.3): <paramref name="data"/> empty deletes the variable. <paramref name="name"/> must end with a NUL.
    /// An existing variable is only rewritten with the same attributes (else InvalidParameter); delete it first.
    /// </summary>
    public EfiStatus SetVariable(ReadOnlySpan<char> name, EfiGuid vendor, uint attributes, ReadOnlySpan<byte> data)
    {
        if (name.IsEmpty || name[name.Length - 1] != '\0')
            return EfiStatus.InvalidParameter;
        fixed (char* text = name)
        fixed (byte* bytes = data)
        {
            return raw->SetVariable(text, &vendor, data.IsEmpty ? 0 : attributes, (nuint)data.Length, bytes);
        }
    }

    /// <summary>ResetSystem (§8.5.1). Does not return when the firmware honours it.</summary>
    public void ResetSystem(ResetType type, EfiStatus reason) => raw->ResetSystem(type, reason, 0, null);
}
