using System;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The safe call over EFI_RNG_PROTOCOL.GetRNG (UEFI 2.10 §37.5.3) with the driver's default algorithm.
/// The buffer is cleared first and cleared again on failure, so a caller never mixes in bytes the
/// driver may have half-written before it reported an error.
/// </summary>
public static unsafe class UefiRng
{
    /// <summary>Locates the first EFI_RNG_PROTOCOL; <paramref name="rng"/> is null unless it exists.</summary>
    public static EfiResult Locate(UefiBootServices boot, out RngProtocol* rng) => boot.LocateProtocol(out rng);

    /// <summary>Fills <paramref name="buffer"/> from GetRNG(This, NULL, Length, Buffer).</summary>
    public static EfiResult Fill(RngProtocol* rng, Span<byte> buffer)
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
