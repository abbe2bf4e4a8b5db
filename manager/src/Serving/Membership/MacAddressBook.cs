using System.Collections.Generic;
using System.Net;

namespace UefiRecovery.Manager.Serving.Membership;

/// <summary>
/// The addresses from which each MAC (sender id) proved a member token during this run — by joining a session or
/// by a RESULT — so that one MAC at two addresses is flagged (docs/protocol.md §7.4: that is two members; a machine
/// that moved, a misconfiguration, or someone asking in that MAC's name from its own address). Bounded: at most
/// <c>maxMacs</c> MACs, the oldest forgotten first, and the latest <c>addressesPerMac</c> addresses of each.
/// Engine thread only.
/// </summary>
public sealed class MacAddressBook(int maxMacs, int addressesPerMac = 4)
{
    private readonly Dictionary<ulong, List<IPAddress>> _addresses = new();
    private readonly Queue<ulong> _order = new();

    public int Count => _addresses.Count;

    /// <summary>MACs forgotten to make room: once any was, <see cref="SeenElsewhere"/> false no longer means "never elsewhere".</summary>
    public long Forgotten { get; private set; }

    /// <summary>Notes that <paramref name="mac"/> proved a membership at <paramref name="address"/>.</summary>
    public void Note(ulong mac, IPAddress address)
    {
        if (!_addresses.TryGetValue(mac, out var list))
        {
            while (_addresses.Count >= maxMacs && _order.TryDequeue(out ulong oldest))
            {
                _addresses.Remove(oldest);
                Forgotten++;
            }
            _addresses[mac] = list = new List<IPAddress>(1);
            _order.Enqueue(mac);
        }
        if (list.Contains(address)) return;
        if (list.Count >= addressesPerMac) list.RemoveAt(0);
        list.Add(address);
    }

    /// <summary>Whether <paramref name="mac"/> was seen at an address other than <paramref name="address"/> (allocates nothing).</summary>
    public bool SeenElsewhere(ulong mac, IPAddress address)
    {
        if (!_addresses.TryGetValue(mac, out var list)) return false;
        foreach (var seen in list) if (!seen.Equals(address)) return true;
        return false;
    }

    /// <summary>The other addresses <paramref name="mac"/> was seen at (empty when none).</summary>
    public List<string> OthersThan(ulong mac, IPAddress address)
    {
        var others = new List<string>();
        if (_addresses.TryGetValue(mac, out var list))
            foreach (var seen in list) if (!seen.Equals(address)) others.Add(seen.ToString());
        return others;
    }
}
