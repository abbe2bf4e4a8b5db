using System;

namespace UefiRecovery.Core.Crypto;

/// <summary>
/// SHA-256 (FIPS 180-4, section 6.2) without the BCL: the firmware build has no System.Security.Cryptography.
/// Incremental use: <see cref="Initialize"/>, any number of <see cref="Append"/>, then <see cref="Finish"/>.
/// The instance owns its two small buffers (allocated once, at construction); <see cref="Hash"/> needs no
/// instance and works on the stack only.
/// </summary>
public sealed class Sha256
{
    /// <summary>Digest size in bytes.</summary>
    public const int DigestSize = 32;

    /// <summary>Block size in bytes (512 bits).</summary>
    public const int BlockSize = 64;

    private readonly uint[] _state = new uint[8];
    private readonly byte[] _pending = new byte[BlockSize];
    private readonly uint[] _schedule = new uint[64];
    private int _pendingLength;
    private ulong _totalBytes;

    public Sha256() => Initialize();

    /// <summary>Starts a new message (FIPS 180-4 section 5.3.3 initial hash value).</summary>
    public void Initialize()
    {
        Sha256Block.InitializeState(_state);
        _pendingLength = 0;
        _totalBytes = 0;
    }

    /// <summary>Feeds message bytes; may be called any number of times.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _totalBytes += (ulong)data.Length;
        if (_pendingLength > 0)
        {
            int take = Math.Min(BlockSize - _pendingLength, data.Length);
            data.Slice(0, take).CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            data = data.Slice(take);
            if (_pendingLength < BlockSize)
            {
                return;
            }
            Sha256Block.Compress(_state, _pending, _schedule);
            _pendingLength = 0;
        }

        int wholeBlocks = data.Length / BlockSize * BlockSize;
        if (wholeBlocks > 0)
        {
            Sha256Block.Compress(_state, data.Slice(0, wholeBlocks), _schedule);
            data = data.Slice(wholeBlocks);
        }

        data.CopyTo(_pending);
        _pendingLength = data.Length;
    }

    /// <summary>
    /// Pads (section 5.1.1), writes the 32-byte digest and leaves the instance needing <see cref="Initialize"/>.
    /// Returns false (writing nothing) when <paramref name="digest"/> is shorter than 32 bytes.
    /// </summary>
    public bool Finish(Span<byte> digest)
    {
        if (digest.Length < DigestSize)
        {
            return false;
        }
        Sha256Block.FinishTail(_state, _pending.AsSpan(0, _pendingLength), _totalBytes, _schedule, digest);
        Initialize();
        return true;
    }

    /// <summary>One-shot SHA-256 of <paramref name="data"/>; all scratch space is on the stack.</summary>
    public static bool Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        if (digest.Length < DigestSize)
        {
            return false;
        }
        Span<uint> state = stackalloc uint[8];
        Span<uint> schedule = stackalloc uint[64];
        Sha256Block.InitializeState(state);
        int wholeBlocks = data.Length / BlockSize * BlockSize;
        Sha256Block.Compress(state, data.Slice(0, wholeBlocks), schedule);
        Sha256Block.FinishTail(state, data.Slice(wholeBlocks), (ulong)data.Length, schedule, digest);
        return true;
    }
}
