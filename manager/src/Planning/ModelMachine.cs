using System;
using System.Net;
using System.Security.Cryptography;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// One modelled recovering machine: the real <see cref="ClientSession"/> (the firmware's engine) on its own
/// <see cref="ModelMachineTransport"/>, polled on the model's clock. When the engine reports the image verified it
/// "writes" it (the scenario's write time) and then reports success, as the app does.
/// </summary>
public sealed class ModelMachine
{
    private LinkLoss _down;
    private LinkLoss _up;
    private TimeSpan? _writeDoneAt;

    public ModelMachine(int index, uint address, TimeSpan startAt, ClientSession session, ModelMachineTransport transport, LinkLoss down, LinkLoss up)
    {
        Index = index;
        Address = address;
        EndPoint = new IPEndPoint(new IPAddress(new[] { (byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address }), Core.Protocol.ProtocolConstants.ClientPort);
        StartAt = startAt;
        Session = session;
        Transport = transport;
        _down = down;
        _up = up;
    }

    public int Index { get; }

    /// <summary>Its IPv4 address as a number, and as the donor sees it.</summary>
    public uint Address { get; }
    public IPEndPoint EndPoint { get; }

    /// <summary>When it boots into recovery (its first poll).</summary>
    public TimeSpan StartAt { get; }

    public ClientSession Session { get; }
    public ModelMachineTransport Transport { get; }

    /// <summary>Booted and not finished: it receives and is polled.</summary>
    public bool IsListening { get; private set; }

    public bool IsFinished => Session.State == ClientState.Finished;

    // When each step happened first (null: not yet).
    public TimeSpan? AcceptSentAt { get; private set; }
    public TimeSpan? FirstDataAt { get; private set; }
    public TimeSpan? AllHeldAt { get; private set; }
    public TimeSpan? AcknowledgedAt { get; private set; }
    public TimeSpan? FinishedAt { get; private set; }

    /// <summary>SHA-256 of the image it verified, when it has its own image buffer (the tests' byte-exact check); null otherwise.</summary>
    public byte[]? VerifiedSha256 { get; private set; }

    public bool LoseDown() => _down.Lose();

    public bool LoseUp() => _up.Lose();

    /// <summary>One poll at <paramref name="now"/>: every waiting datagram, the timers, and the "flash write" once the image is verified.</summary>
    public void Step(TimeSpan now, TimeSpan writeTime, bool ownBuffer)
    {
        if (now < StartAt || IsFinished) return;
        IsListening = true;
        ulong nowMs = (ulong)now.TotalMilliseconds;
        ClientEvents events = ClientEvents.None;
        do
        {
            events |= Session.Poll(nowMs);
        }
        while (Transport.HasWaiting);
        if ((events & ClientEvents.DonorChosen) != 0) AcceptSentAt ??= now;
        if ((events & ClientEvents.FragmentsReceived) != 0) FirstDataAt ??= now;
        if ((events & ClientEvents.ImageComplete) != 0) AllHeldAt ??= now;
        if ((events & ClientEvents.ImageVerified) != 0)
        {
            if (ownBuffer) VerifiedSha256 = SHA256.HashData(Session.VerifiedImage);
            _writeDoneAt = now + writeTime;
        }
        if (_writeDoneAt is { } done && now >= done && Session.State == ClientState.Verified)
        {
            _writeDoneAt = null;
            Session.ReportOutcome(nowMs, true, ResultReason.None, Session.LastVerdict.ImageVersion);
            events |= Session.Poll(nowMs);
        }
        if ((events & ClientEvents.ResultAcknowledged) != 0) AcknowledgedAt ??= now;
        if (IsFinished)
        {
            FinishedAt ??= now;
            IsListening = false;
        }
    }
}
