using System;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>A fixed ring of datagram slots, allocated once, so the simulated network allocates nothing per packet.</summary>
internal sealed class DatagramRing
{
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly DatagramEndpoint[] _endpoints;
    private int _head;
    private int _count;

    public DatagramRing(int capacity, int slotSize)
    {
        _slots = new byte[capacity][];
        for (int i = 0; i < capacity; i++)
        {
            _slots[i] = new byte[slotSize];
        }
        _lengths = new int[capacity];
        _endpoints = new DatagramEndpoint[capacity];
    }

    public int Count => _count;
    public int Dropped { get; private set; }

    public bool TryEnqueue(ReadOnlySpan<byte> datagram, in DatagramEndpoint endpoint)
    {
        if (_count == _slots.Length || datagram.Length > _slots[0].Length)
        {
            Dropped++;
            return false;
        }
        int tail = (_head + _count) % _slots.Length;
        datagram.CopyTo(_slots[tail]);
        _lengths[tail] = datagram.Length;
        _endpoints[tail] = endpoint;
        _count++;
        return true;
    }

    /// <summary>Copies the oldest datagram out; 0 when empty, -1 (and dropped) if it does not fit.</summary>
    public int TryDequeue(Span<byte> destination, out DatagramEndpoint endpoint)
    {
        endpoint = default;
        if (_count == 0)
        {
            return 0;
        }
        int length = _lengths[_head];
        endpoint = _endpoints[_head];
        bool fits = length <= destination.Length;
        if (fits)
        {
            _slots[_head].AsSpan(0, length).CopyTo(destination);
        }
        _head = (_head + 1) % _slots.Length;
        _count--;
        return fits ? length : -1;
    }

    public void Clear()
    {
        _count = 0;
    }
}
