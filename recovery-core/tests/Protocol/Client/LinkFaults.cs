using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>Seeded fault injection for one direction of the simulated network, in per-mille.</summary>
internal sealed class LinkFaults
{
    private readonly ProtocolRandom _random;

    public LinkFaults(ulong seed)
    {
        _random = new ProtocolRandom(seed);
    }

    public uint LossPerMille { get; set; }
    public uint DuplicatePerMille { get; set; }
    public uint CorruptPerMille { get; set; }
    public uint ReorderPerMille { get; set; }

    public uint Lost { get; private set; }
    public uint Duplicated { get; private set; }
    public uint Corrupted { get; private set; }
    public uint Reordered { get; private set; }

    public bool ShouldLose()
    {
        bool hit = Roll(LossPerMille);
        Lost += hit ? 1u : 0u;
        return hit;
    }

    public bool ShouldDuplicate()
    {
        bool hit = Roll(DuplicatePerMille);
        Duplicated += hit ? 1u : 0u;
        return hit;
    }

    public bool ShouldCorrupt()
    {
        bool hit = Roll(CorruptPerMille);
        Corrupted += hit ? 1u : 0u;
        return hit;
    }

    public bool ShouldReorder()
    {
        bool hit = Roll(ReorderPerMille);
        Reordered += hit ? 1u : 0u;
        return hit;
    }

    public uint Next(uint bound)
    {
        return _random.NextBelow(bound);
    }

    private bool Roll(uint perMille)
    {
        return perMille != 0 && _random.NextBelow(1000) < perMille;
    }
}
