namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// An <see cref="IFlashRegion"/> that runs one <see cref="RecoveryNetworkPump"/> round before every erase
/// (so STATUS requests are answered during a long write); the flash operations are passed through
/// unchanged, in the same order. Never before a write: a write right after an erase (the header block's
/// headers, docs/firmware-regions.md) must follow it with nothing in between.
/// </summary>
internal sealed class ServicedFlashRegion : IFlashRegion
{
    private readonly IFlashRegion _inner;
    private readonly RecoveryNetworkPump _pump;

    public ServicedFlashRegion(IFlashRegion inner, RecoveryNetworkPump pump)
    {
        _inner = inner;
        _pump = pump;
    }

    public int BlockSize => _inner.BlockSize;

    public int BlockCount => _inner.BlockCount;

    public FlashStatus TryRead(int lba, int offset, Span<byte> destination) => _inner.TryRead(lba, offset, destination);

    public FlashStatus TryErase(int firstLba, int count)
    {
        _pump.Pump(out _);
        return _inner.TryErase(firstLba, count);
    }

    public FlashStatus TryWrite(int lba, int offset, ReadOnlySpan<byte> source) => _inner.TryWrite(lba, offset, source);
}
