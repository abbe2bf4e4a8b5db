using System;
using System.Collections.Generic;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// What happens next in the fleet model: actions by time, and in the order they were scheduled among equal times,
/// so a run is the same for the same seed.
/// </summary>
public sealed class EventQueue
{
    private readonly PriorityQueue<Action, (long Ticks, long Order)> _queue = new();
    private long _order;

    public int Count => _queue.Count;

    public void Schedule(TimeSpan at, Action action) => _queue.Enqueue(action, (at.Ticks, _order++));

    /// <summary>The earliest action and its time; false when nothing is scheduled.</summary>
    public bool TryTake(out TimeSpan at, out Action action)
    {
        if (!_queue.TryDequeue(out action!, out var key))
        {
            at = default;
            return false;
        }
        at = TimeSpan.FromTicks(key.Ticks);
        return true;
    }
}
