using System;
using System.Collections.Generic;
using UefiRecovery.Core.Firmware;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// NOR flash in memory with erase polarity 1: erase sets a block to FFh, write ANDs bytes in (only clears
/// bits). Also models OVMF's CFI quirk: after an erase, reads return 80h 00h until the next write.
/// Power loss (<see cref="PowerSupply"/>) cuts a write between two byte programs (bytes in ascending order,
/// as OVMF's QemuFlashWrite programs them); an erase cut short is torn (first half FFh, the rest as it
/// was: real NOR) unless <see cref="AtomicErase"/> (QEMU's pflash writes an erase to the file in one go).
/// Faults can be injected per block.
/// </summary>
internal sealed class SimulatedFlashRegion : IFlashRegion
{
    private readonly byte[] _data;
    private readonly PowerSupply _power;
    private bool _readStatusMode;

    public SimulatedFlashRegion(byte[] initial, int blockSize, PowerSupply? power = null)
    {
        _data = (byte[])initial.Clone();
        BlockSize = blockSize;
        BlockCount = initial.Length / blockSize;
        _power = power ?? new PowerSupply();
    }

    public int BlockSize { get; }

    public int BlockCount { get; }

    public byte[] Contents => _data;

    public int Erases { get; private set; }

    public int Writes { get; private set; }

    /// <summary>Bytes handed to <see cref="TryWrite"/> that were programmed.</summary>
    public long BytesProgrammed { get; private set; }

    /// <summary>An erase cut by power loss did not happen at all (QEMU) instead of leaving a torn block (real NOR).</summary>
    public bool AtomicErase { get; init; }

    public int ReadsInStatusMode { get; private set; }

    /// <summary>Every erase and write issued, in order (also those cut or refused).</summary>
    public List<FlashOperation> Operations { get; } = new();

    /// <summary>Block → remaining write calls that fail with DeviceError.</summary>
    public Dictionary<int, int> FailingWrites { get; } = new();

    /// <summary>Block → remaining writes that leave one bit unprogrammed (a weak cell), so the read-back differs.</summary>
    public Dictionary<int, int> WeakWrites { get; } = new();

    /// <summary>Blocks whose erase always fails.</summary>
    public HashSet<int> FailingErases { get; } = new();

    public FlashStatus TryRead(int lba, int offset, Span<byte> destination)
    {
        if (!InRange(lba, offset, destination.Length))
        {
            return FlashStatus.OutOfRange;
        }
        if (_power.IsOff)
        {
            return FlashStatus.PowerLost;
        }
        if (_readStatusMode)
        {
            // Status register bytes, as QEMU's pflash returns them after an erase command.
            ReadsInStatusMode++;
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = (i & 1) == 0 ? (byte)0x80 : (byte)0x00;
            }
            return FlashStatus.Ok;
        }
        _data.AsSpan(lba * BlockSize + offset, destination.Length).CopyTo(destination);
        return FlashStatus.Ok;
    }

    public FlashStatus TryErase(int firstLba, int count)
    {
        if (firstLba < 0 || count <= 0 || firstLba > BlockCount - count)
        {
            return FlashStatus.OutOfRange;
        }
        for (int lba = firstLba; lba < firstLba + count; lba++)
        {
            Operations.Add(new FlashOperation('E', lba, 0, BlockSize, _power.UnitsUsed));
            if (FailingErases.Contains(lba))
            {
                return FlashStatus.DeviceError;
            }
            bool wasOn = !_power.IsOff;
            bool ok = _power.TryConsume(1, out _);
            Span<byte> block = _data.AsSpan(lba * BlockSize, BlockSize);
            if (!ok)
            {
                if (wasOn && !AtomicErase)
                {
                    block.Slice(0, BlockSize / 2).Fill(0xFF);
                }
                return FlashStatus.PowerLost;
            }
            block.Fill(0xFF);
            Erases++;
            _readStatusMode = true;
        }
        return FlashStatus.Ok;
    }

    public FlashStatus TryWrite(int lba, int offset, ReadOnlySpan<byte> source)
    {
        if (!InRange(lba, offset, source.Length))
        {
            return FlashStatus.OutOfRange;
        }
        Operations.Add(new FlashOperation('W', lba, offset, source.Length, _power.UnitsUsed));
        if (FailingWrites.TryGetValue(lba, out int failures) && failures > 0)
        {
            FailingWrites[lba] = failures - 1;
            return FlashStatus.DeviceError;
        }
        bool ok = _power.TryConsume(source.Length, out int programmed);
        Span<byte> target = _data.AsSpan(lba * BlockSize + offset, source.Length);
        for (int i = 0; i < programmed; i++)
        {
            target[i] &= source[i];
        }
        BytesProgrammed += programmed;
        if (!ok)
        {
            return FlashStatus.PowerLost;
        }
        if (WeakWrites.TryGetValue(lba, out int weak) && weak > 0 && source.Length > 0)
        {
            WeakWrites[lba] = weak - 1;
            // The last byte's zero bits stay 1: a cell that did not program.
            target[source.Length - 1] |= (byte)~source[source.Length - 1];
            if (source[source.Length - 1] == 0xFF)
            {
                target[source.Length - 1] = 0xFE;
            }
        }
        Writes++;
        _readStatusMode = false;
        return FlashStatus.Ok;
    }

    private bool InRange(int lba, int offset, int length) =>
        lba >= 0 && lba < BlockCount && offset >= 0 && offset <= BlockSize && length <= BlockSize - offset;
}
