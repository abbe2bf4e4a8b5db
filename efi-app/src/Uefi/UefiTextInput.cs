using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>The safe layer over EFI_SIMPLE_TEXT_INPUT_PROTOCOL (UEFI 2.10 §12.3), ConIn; a null console has no keys.</summary>
public readonly unsafe struct UefiTextInput
{
    private readonly SimpleTextInputProtocol* raw;

    public UefiTextInput(SimpleTextInputProtocol* raw) => this.raw = raw;

    public bool IsAvailable => raw != null;

    /// <summary>Reset without extended verification: drops keys pressed before now.</summary>
    public EfiResult Reset() => raw == null ? EfiResult.From(EfiStatus.Unsupported) : EfiResult.From(raw->Reset(raw, 0));

    /// <summary>ReadKeyStroke (§12.3.3): the next key, if one is waiting (EFI_NOT_READY, a failure here, when none).</summary>
    public EfiResult<InputKey> ReadKeyStroke()
    {
        if (raw == null)
            return EfiResult<InputKey>.Failure(EfiStatus.NotReady);
        InputKey key = default;
        EfiStatus status = raw->ReadKeyStroke(raw, &key);
        return EfiResult<InputKey>.From(status, key);
    }
}
