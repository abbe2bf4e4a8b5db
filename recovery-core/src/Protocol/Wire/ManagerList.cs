using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The 1..4 managers a RECOVERY_INSTRUCTION names (docs/protocol.md §4.11): where the agent sends its
/// AGENT_REPORT and the app its READINESS and REQUEST. On the wire: 4 slots of 8 bytes
/// (<c>IPv4 u32, port u16, reserved u16</c>); slots at or after the count are all zero.
/// </summary>
public readonly struct ManagerList
{
    public const int MaxCount = 4;
    public const int SlotLength = 8;
    public const int WireLength = MaxCount * SlotLength;

    private readonly DatagramEndpoint _first;
    private readonly DatagramEndpoint _second;
    private readonly DatagramEndpoint _third;
    private readonly DatagramEndpoint _fourth;

    private ManagerList(int count, DatagramEndpoint first, DatagramEndpoint second, DatagramEndpoint third, DatagramEndpoint fourth)
    {
        Count = count;
        _first = first;
        _second = second;
        _third = third;
        _fourth = fourth;
    }

    /// <summary>Number of managers, 1..4 in a valid list.</summary>
    public int Count { get; }

    /// <summary>A list of one manager.</summary>
    public static ManagerList Of(DatagramEndpoint manager)
    {
        return new ManagerList(1, manager, default, default, default);
    }

    /// <summary>This list with <paramref name="manager"/> appended; false when it already holds 4.</summary>
    public bool TryAdd(DatagramEndpoint manager, out ManagerList result)
    {
        // Built in a local first: callers may pass the list itself as the out argument.
        ManagerList added;
        switch (Count)
        {
            case 0: added = new ManagerList(1, manager, default, default, default); break;
            case 1: added = new ManagerList(2, _first, manager, default, default); break;
            case 2: added = new ManagerList(3, _first, _second, manager, default); break;
            case 3: added = new ManagerList(4, _first, _second, _third, manager); break;
            default: added = this; result = added; return false;
        }
        result = added;
        return true;
    }

    public DatagramEndpoint this[int index]
    {
        get
        {
            switch (index)
            {
                case 0: return _first;
                case 1: return _second;
                case 2: return _third;
                default: return _fourth;
            }
        }
    }

    /// <summary>Reads <paramref name="count"/> managers; false when a used slot is unspecified or an unused one is not zero.</summary>
    public static bool TryRead(ReadOnlySpan<byte> slots, int count, out ManagerList list)
    {
        list = default;
        if (slots.Length < WireLength || count < 1 || count > MaxCount)
        {
            return false;
        }
        ManagerList read = default;
        for (int i = 0; i < MaxCount; i++)
        {
            ReadOnlySpan<byte> slot = slots.Slice(i * SlotLength, SlotLength);
            var endpoint = new DatagramEndpoint(BinaryPrimitives.ReadUInt32BigEndian(slot), BinaryPrimitives.ReadUInt16BigEndian(slot.Slice(4)));
            ushort reserved = BinaryPrimitives.ReadUInt16BigEndian(slot.Slice(6));
            if (i < count)
            {
                if (endpoint.IsUnspecified || endpoint.Address == DatagramEndpoint.LimitedBroadcast || reserved != 0)
                {
                    return false;
                }
                read.TryAdd(endpoint, out read);
            }
            else if (endpoint.Address != 0 || endpoint.Port != 0 || reserved != 0)
            {
                return false;
            }
        }
        list = read;
        return true;
    }

    /// <summary>1..4 managers, each with an address (not the limited broadcast) and a port.</summary>
    public bool IsValid
    {
        get
        {
            if (Count < 1 || Count > MaxCount)
            {
                return false;
            }
            for (int i = 0; i < Count; i++)
            {
                if (this[i].IsUnspecified || this[i].Address == DatagramEndpoint.LimitedBroadcast)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Writes all 4 slots; false when the list is not <see cref="IsValid"/>.</summary>
    public bool TryWrite(Span<byte> slots)
    {
        if (slots.Length < WireLength || !IsValid)
        {
            return false;
        }
        slots.Slice(0, WireLength).Clear();
        for (int i = 0; i < Count; i++)
        {
            Span<byte> slot = slots.Slice(i * SlotLength, SlotLength);
            BinaryPrimitives.WriteUInt32BigEndian(slot, this[i].Address);
            BinaryPrimitives.WriteUInt16BigEndian(slot.Slice(4), this[i].Port);
        }
        return true;
    }
}
