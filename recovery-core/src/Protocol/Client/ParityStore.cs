using System;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// The parity fragments a client holds until their block can be decoded (docs/protocol.md §5.5): a fixed pool of
/// slots of one fragment each, allocated at setup. A slot is tagged with its block and parity index; a block's
/// parity is released when the block is decoded or complete. When the pool is full: the donor sends parity block
/// by block in ascending order, so a block below the incoming one has had its turn in this pass (its leftovers are
/// asked for again), while a block above it is still to come and needs what it holds, since its BLOCK COUNTS
/// subtracted it. So a slot of a lower block gives way; a slot of a higher block (the highest) only to a parity
/// that completes its block (it decodes at once and frees more than it took); otherwise the incoming parity is
/// refused and its block asks again. Round robin here let every block's parity push out the next block's leftovers,
/// and with more partly repaired blocks than slots no block ever decoded.
/// </summary>
public sealed class ParityStore
{
    private const uint FreeSlot = uint.MaxValue;

    private readonly byte[] _pool;
    private readonly uint[] _blocks;
    private readonly byte[] _indices;
    private int _slotSize;
    private int _used;
    private int _evictCursor;

    public ParityStore(int slots, int maxSlotSize)
    {
        SlotCount = Math.Clamp(slots, 0, ushort.MaxValue);
        MaxSlotSize = Math.Max(1, maxSlotSize);
        _pool = new byte[SlotCount * MaxSlotSize];
        _blocks = new uint[SlotCount];
        _indices = new byte[SlotCount];
        _blocks.AsSpan().Fill(FreeSlot);
    }

    public int SlotCount { get; }
    public int MaxSlotSize { get; }

    /// <summary>Slots in use.</summary>
    public int UsedCount => _used;

    /// <summary>Parity fragments evicted to make room (diagnostics).</summary>
    public uint Evicted { get; private set; }

    /// <summary>The pool, for the decoder: slot s is bytes [s·SlotSize, (s+1)·SlotSize).</summary>
    public Span<byte> Pool => new Span<byte>(_pool, 0, SlotCount * _slotSize);

    /// <summary>Empties the store for an image of fragment size <paramref name="slotSize"/>; false if it exceeds the maximum.</summary>
    public bool Reset(int slotSize)
    {
        if (slotSize < 1 || slotSize > MaxSlotSize)
        {
            _slotSize = 0;
            Clear();
            return false;
        }
        _slotSize = slotSize;
        Clear();
        return true;
    }

    public void Clear()
    {
        _blocks.AsSpan().Fill(FreeSlot);
        _used = 0;
    }

    /// <summary>Parity fragments held for <paramref name="block"/>.</summary>
    public int CountOf(uint block)
    {
        if (_used == 0)
        {
            return 0;
        }
        int count = 0;
        for (int s = 0; s < SlotCount; s++)
        {
            if (_blocks[s] == block)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Keeps a copy of <paramref name="parity"/> (exactly one slot long). False when it is a duplicate (the same block
    /// and index held: the first copy stays) or nothing can be stored (no slots, wrong length, or the pool is full of
    /// parity of blocks still to come and <paramref name="completesBlock"/> is false).
    /// </summary>
    public bool TryStore(uint block, byte parityIndex, ReadOnlySpan<byte> parity, bool completesBlock = false)
    {
        if (SlotCount == 0 || _slotSize == 0 || parity.Length != _slotSize || block == FreeSlot)
        {
            return false;
        }
        int free = -1;
        for (int s = 0; s < SlotCount; s++)
        {
            if (_blocks[s] == block && _indices[s] == parityIndex)
            {
                return false;
            }
            if (free < 0 && _blocks[s] == FreeSlot)
            {
                free = s;
            }
        }
        if (free < 0)
        {
            free = FindVictim(block, completesBlock);
            if (free < 0)
            {
                return false;
            }
            Evicted++;
            _used--;
        }
        _blocks[free] = block;
        _indices[free] = parityIndex;
        parity.CopyTo(new Span<byte>(_pool, free * _slotSize, _slotSize));
        _used++;
        return true;
    }

    /// <summary>
    /// Writes up to <paramref name="indices"/>.Length of <paramref name="block"/>'s parity indices and slots; returns
    /// how many.
    /// </summary>
    public int Collect(uint block, Span<byte> indices, Span<ushort> slots)
    {
        int n = 0;
        int max = Math.Min(indices.Length, slots.Length);
        for (int s = 0; s < SlotCount && n < max; s++)
        {
            if (_blocks[s] == block)
            {
                indices[n] = _indices[s];
                slots[n] = (ushort)s;
                n++;
            }
        }
        return n;
    }

    /// <summary>Frees every slot of <paramref name="block"/>.</summary>
    public void Release(uint block)
    {
        if (_used == 0)
        {
            return;
        }
        for (int s = 0; s < SlotCount; s++)
        {
            if (_blocks[s] == block)
            {
                _blocks[s] = FreeSlot;
                _used--;
            }
        }
    }

    private int FindVictim(uint keep, bool mayTakeLaterBlock)
    {
        int highest = -1;
        for (int step = 0; step < SlotCount; step++)
        {
            int s = (_evictCursor + step) % SlotCount;
            uint block = _blocks[s];
            if (block < keep)
            {
                _evictCursor = (s + 1) % SlotCount;
                return s;
            }
            if (block != keep && (highest < 0 || block > _blocks[highest]))
            {
                highest = s;
            }
        }
        return mayTakeLaterBlock ? highest : -1;
    }
}
