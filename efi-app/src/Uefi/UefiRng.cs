using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The safe call over EFI_RNG_PROTOCOL.GetRNG (UEFI 2.10 §37.5.3) with the driver's default algorithm.
/// The buffer is cleared first and cleared again on failure, so a caller never mixes in bytes the
/// driver may have half-written before it reported an error.
/// </summary>
public readonly unsafe struct UefiRng
{
    private readonly RngProtocol* rng;

    public UefiRng(RngProtocol* rng) => this.rng = rng;

    /// <summary>Locates the first EFI_RNG_PROTOCOL; <paramref name="rng"/> is usable only when this succeeds.</summary>
    public static EfiResult Locate(UefiBootServices boot, out UefiRng rng)
    {
        EfiResult located = boot.LocateProtocol(out RngProtocol* raw);
        rng = located.IsSuccess ? new UefiRng(raw) : default;
        return located;
    }

    /// <summary>Fills <paramref name="buffer"/> from GetRNG(This, NULL, Length, Buffer).</summary>
    public EfiResult Fill(Span<byte> buffer)
    {
        buffer.Clear();
        if (rng == null || rng->GetRng == null)
        {
            return EfiResult.From(EfiStatus.Unsupported);
        }

        EfiStatus status;
        fixed (byte* bytes = buffer)
        {
            status = rng->GetRng(rng, null, (nuint)buffer.Length, bytes);
        }

        EfiResult result = EfiResult.From(status);
        if (!result.IsSuccess)
        {
            buffer.Clear();
        }

        return result;
    }
}
