using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Pacing;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// The modelled donor: the real <see cref="DonorEngine"/> and the real <see cref="TokenBucket"/> pacer on the model's
/// clock, run the way serve's engine thread runs them: a datagram wakes it at once; otherwise it sleeps until the
/// engine's next run, and at least <see cref="RecoveryServer.MinimumSleep"/>. It handles every datagram the moment it
/// arrives: the donor's CPU time is not modelled. It also counts the STATUS messages each status round brings in.
/// </summary>
public sealed class ModelDonor : IDonorOutput
{
    private readonly VirtualClock _clock;
    private readonly EventQueue _events;
    private readonly ModelNetwork _network;
    private readonly TokenBucket _pacer;
    private readonly Dictionary<(uint Session, uint Round), int> _statusPerRound = new();
    private readonly Dictionary<(uint Session, uint Round), int> _needsPerRound = new();
    private DonorEngine? _engine;
    private TimeSpan _nextStepAt = TimeSpan.MaxValue;
    private long _stepVersion;
    private TimeSpan _lastStepAt = TimeSpan.MinValue;
    private int _stepsAtOnce;
    private const int MaxStepsAtOnce = 100_000;

    public ModelDonor(VirtualClock clock, EventQueue events, ModelNetwork network, double rateMbitPerSecond)
    {
        _clock = clock;
        _events = events;
        _network = network;
        _pacer = TokenBucket.ForData(rateMbitPerSecond, clock);
    }

    public DonorEngine Engine => _engine ?? throw new InvalidOperationException("no engine attached");

    /// <summary>STATUS messages that arrived during each status round of each session (round 0: before the first).</summary>
    public IReadOnlyDictionary<(uint Session, uint Round), int> StatusPerRound => _statusPerRound;

    /// <summary>Of those, the STATUS messages that listed needs (NACKs or BLOCK COUNTS, not COMPLETE): the repair traffic.</summary>
    public IReadOnlyDictionary<(uint Session, uint Round), int> NeedsPerRound => _needsPerRound;

    public void Attach(DonorEngine engine)
    {
        _engine = engine;
        WakeAt(_clock.Now);
    }

    /// <summary>A datagram from <paramref name="sender"/> arrives now.</summary>
    public void Receive(ModelFrame frame, IPEndPoint sender)
    {
        bool status = CountStatus(frame.Bytes);
        long started = status ? Stopwatch.GetTimestamp() : 0;
        Engine.Receive(frame.Bytes, sender, _clock.Now);
        if (status)
        {
            StatusHandlingSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
            StatusHandled++;
        }
        WakeAt(_clock.Now);
    }

    /// <summary>
    /// This host's CPU time in <see cref="DonorEngine.Receive"/> for STATUS datagrams, and how many: what serve's engine
    /// thread would spend on a status round's answers (the model does not charge it to the virtual clock).
    /// </summary>
    public double StatusHandlingSeconds { get; private set; }
    public long StatusHandled { get; private set; }

    private bool CountStatus(ReadOnlySpan<byte> datagram)
    {
        if (MessageFrame.TryReadStructure(datagram, out MessageFrame frame) != WireStatus.Ok || frame.Type != MessageType.Status) return false;
        foreach (ImageSession session in Engine.Sessions)
        {
            if (session.SessionId != frame.Header.SessionId) continue;
            var key = (session.SessionId, session.Round);
            _statusPerRound[key] = _statusPerRound.GetValueOrDefault(key) + 1;
            if (StatusMessage.TryParse(frame, out StatusMessage message) == WireStatus.Ok && message.Kind != StatusKind.Complete)
                _needsPerRound[key] = _needsPerRound.GetValueOrDefault(key) + 1;
            return true;
        }
        return true;
    }

    // One turn of serve's engine loop; the next is when the engine asks, but a sleep is at least a millisecond.
    private void Step(long version)
    {
        if (version != _stepVersion) return;
        TimeSpan now = _clock.Now;
        // An engine that asks to run again at once without end would stop the model's clock: a bug, said so.
        _stepsAtOnce = now == _lastStepAt ? _stepsAtOnce + 1 : 0;
        _lastStepAt = now;
        if (_stepsAtOnce > MaxStepsAtOnce) throw new InvalidOperationException("the donor engine asked to run again at once " + MaxStepsAtOnce + " times at " + now);
        _nextStepAt = TimeSpan.MaxValue;
        TimeSpan next = Engine.Tick(now, _pacer);
        TimeSpan wait = next - now;
        WakeAt(wait <= TimeSpan.Zero ? now : now + (wait < RecoveryServer.MinimumSleep ? RecoveryServer.MinimumSleep : wait));
    }

    private void WakeAt(TimeSpan at)
    {
        if (at >= _nextStepAt) return;
        _nextStepAt = at;
        long version = ++_stepVersion;
        _events.Schedule(at, () => Step(version));
    }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => _network.FromDonor(datagram, destination);

    public bool TryReserve(IPEndPoint destination, out Span<byte> slot)
    {
        slot = default;
        return false;
    }

    public void Commit(int length)
    {
    }

    public void Flush()
    {
    }
}
