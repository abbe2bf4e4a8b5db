using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Planning;
using UefiRecovery.Manager.Serving;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Serving.Results;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// How many members the donor engine takes (<see cref="DonorLimits"/>, docs/operating.md §7): 16,384 in one session, so
/// a row of 10,000 machines is one session and one pass; a bound on all live sessions together, so a flood of
/// ACCEPTs with genuine tokens takes no more memory than before. The ACCEPTs and STATUS carry tokens made with the
/// engine's own secret, as a machine that heard its OFFER would (an attacker can make them for its own address).
/// </summary>
public sealed class DonorEngineMemberLimitTests
{
    private sealed class Capture : IDonorOutput
    {
        public readonly List<(byte[] Datagram, IPEndPoint To)> Sent = new();
        public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination) => Sent.Add((datagram.ToArray(), destination));
        public bool TryReserve(IPEndPoint destination, out Span<byte> slot) { slot = default; return false; }
        public void Commit(int length) { }
        public void Flush() { }
    }

    private static readonly TimeSpan Now = TimeSpan.FromSeconds(1);
    private readonly Capture _output = new();
    private readonly MembershipKeys _keys;
    private readonly DonorEngine _engine;
    private readonly ImageTypeId _type = DonorIdentity.TypeIdFor(FleetModel.ImageType);
    private uint _messageId = 1;

    public DonorEngineMemberLimitTests() : this(new DonorLimits())
    {
    }

    private DonorEngineMemberLimitTests(DonorLimits limits)
    {
        byte[] image = new byte[4096];
        byte[] sha256 = SHA256.HashData(image);
        var catalog = ImageCatalog.InMemory(new[] { new CatalogImage("fw.cap", "", image, sha256, FleetModel.ImageType, 0x00010002, 0x00010000, DateTime.UnixEpoch) });
        var listen = new IPEndPoint(IPAddress.Parse("10.0.0.1"), ProtocolConstants.DonorPort);
        var options = new ServeOptions
        {
            ImagesFolder = "(test)", Listen = listen, Delivery = DeliveryMode.Broadcast, DataDestination = IPAddress.Parse("10.255.255.255"),
            ClientPort = ProtocolConstants.ClientPort, RateMbitPerSecond = 100, FragmentSize = 1432, TrustedKeys = Array.Empty<string>(),
            ResultsPath = null, StatusHttp = null, ClientTimeout = TimeSpan.FromSeconds(10), Gather = TimeSpan.FromSeconds(5),
            Faults = FaultOptions.None, DonorName = "limits", Priority = 100, LiveView = false, Limits = limits,
        };
        byte[] secret = new byte[DonorSecret.Length];
        new Random(7).NextBytes(secret);
        _keys = new MembershipKeys(secret);
        _engine = new DonorEngine(options, catalog, new ResultLog(null), new DonorCredentials(_keys, null, null), new InstructionBook(new InstructionTimeouts()),
            new UefiRecovery.Manager.Serving.Inventory.MachineInventory(), DonorIdentity.SenderIdFor("limits", listen.Port), _output, new Random(3),
            DateTimeOffset.UnixEpoch, NullLogger.Instance);
        _engine.WarmManifests(catalog.Current);
    }

    // Machine i: MAC 02:00:xx:xx:xx:xx, address 10.(i >> 16).(i >> 8).i + 1 (never the donor's).
    private static ulong Mac(int i) => 0x020000000000UL + (ulong)i;

    private static IPEndPoint Address(int i) => new(new IPAddress(new byte[] { 10, (byte)(1 + (i >> 16)), (byte)(i >> 8), (byte)i }), ProtocolConstants.ClientPort);

    /// <summary>A REQUEST from machine <paramref name="i"/>; returns the OFFER's session id and message id.</summary>
    private (uint Session, uint OfferId) Request(int i)
    {
        var request = new RequestMessage(_type, 0x00010000, 0x00010000, Mac(i), 1472, 0, 0, RequestReason.FirmwareInvalid, DeliveryModes.Broadcast);
        byte[] buffer = new byte[256];
        Assert.Equal(WireStatus.Ok, request.TryEmit(buffer, new MessageIds(_messageId++, 0, Mac(i)), out int n));
        _output.Sent.Clear();
        _engine.Receive(buffer.AsSpan(0, n), Address(i), Now);
        foreach (var (datagram, _) in _output.Sent)
        {
            if (MessageFrame.TryParse(datagram, out MessageFrame frame) == WireStatus.Ok && frame.Type == MessageType.Offer)
                return (frame.Header.SessionId, frame.Header.MessageId);
        }
        throw new InvalidOperationException("no OFFER");
    }

    /// <summary>Machine <paramref name="i"/>'s ACCEPT of the offer, with the token the donor's secret gives it there; true unless refused by an ABORT.</summary>
    private bool Accept((uint Session, uint OfferId) offer, ulong imageId, int i)
    {
        IPEndPoint from = Address(i);
        ulong token = _keys.MemberToken(offer.Session, Mac(i), from.Address);
        byte[] buffer = new byte[128];
        Assert.Equal(WireStatus.Ok, new AcceptMessage(offer.OfferId, imageId, 0, token).TryEmit(buffer, new MessageIds(_messageId++, offer.Session, Mac(i)), out int n));
        _output.Sent.Clear();
        _engine.Receive(buffer.AsSpan(0, n), from, Now);
        foreach (var (datagram, _) in _output.Sent)
            if (MessageFrame.TryParse(datagram, out MessageFrame frame) == WireStatus.Ok && frame.Type == MessageType.Abort) return false;
        return true;
    }

    private static readonly ulong ImageId = DonorIdentity.ImageIdFor(SHA256.HashData(new byte[4096]));

    [Fact]
    public void Accept_TenThousandMachines_OneSession_AndTheSessionIsFullAt16384()
    {
        var offer = Request(0);
        ulong imageId = ImageId;
        for (int i = 0; i < Limits.MembersPerSession; i++)
            Assert.True(Accept(offer, imageId, i), "machine " + i + " refused");

        Assert.False(Accept(offer, imageId, Limits.MembersPerSession));
        ImageSession session = Assert.Single(_engine.Sessions);
        Assert.Equal(Limits.MembersPerSession, session.Clients.Count);
        // A member already in is taken again (its ACCEPT repeated), not refused.
        Assert.True(Accept(offer, imageId, 17));
    }

    private static readonly DonorLimits Limits = new();

    /// <summary>Machine <paramref name="i"/>'s STATUS (COMPLETE) with its token: a member whose ACCEPTs were lost joins by it (§7.2 rule 7).</summary>
    private void StatusComplete(uint session, int i)
    {
        IPEndPoint from = Address(i);
        ulong token = _keys.MemberToken(session, Mac(i), from.Address);
        byte[] buffer = new byte[128];
        Assert.Equal(WireStatus.Ok, StatusMessage.TryEmitComplete(buffer, new MessageIds(_messageId++, session, Mac(i)), new StatusReport(1, 3, 0, 0, token), out int n));
        _engine.Receive(buffer.AsSpan(0, n), from, Now);
    }

    private static int LiveMembers(DonorEngine engine)
    {
        int n = 0;
        foreach (ImageSession session in engine.Sessions) if (!session.IsEnded) n += session.Clients.Count;
        return n;
    }

    /// <summary>Sessions of the given sizes, each from its own REQUEST, every member by ACCEPT.</summary>
    private int Fill(params int[] sizes)
    {
        int machine = 0;
        foreach (int size in sizes)
        {
            var offer = Request(machine);
            for (int i = 0; i < size; i++, machine++)
                Assert.True(Accept(offer, ImageId, machine), "machine " + machine + " refused");
        }
        return machine;
    }

    [Fact]
    public void Join_AllLiveSessionsTogetherFull_ASessionWithRoomRefusesByAcceptAndByStatus()
    {
        // 4 per session, 10 in all: two full sessions and a third with 2 reach the bound.
        var small = new DonorEngineMemberLimitTests(new DonorLimits { MembersPerSession = 4, LiveMembers = 10 });
        int machine = small.Fill(4, 4, 2);

        // The third session has room of its own, but the engine has none.
        var third = small.Request(machine);
        Assert.False(small.Accept(third, ImageId, machine));
        small.StatusComplete(third.Session, machine + 1);

        Assert.Equal(10, LiveMembers(small._engine));
        Assert.Equal(2, small._engine.RejectReasons["member-limit"]);
    }

    [Fact]
    public void Accept_AllLiveSessionsTogetherFull_NoNewSessionMade_SoNobodyJoinsItByStatus()
    {
        // 4 per session, 8 in all: two full sessions; a REQUEST is offered a new one.
        var small = new DonorEngineMemberLimitTests(new DonorLimits { MembersPerSession = 4, LiveMembers = 8 });
        int machine = small.Fill(4, 4);
        var offer = small.Request(machine);

        Assert.False(small.Accept(offer, ImageId, machine));
        // Made anyway, an empty session would take members by STATUS past the bound (red team, session 10).
        small.StatusComplete(offer.Session, machine + 1);

        Assert.Equal(2, small._engine.Sessions.Count);
        Assert.Equal(8, LiveMembers(small._engine));
        Assert.Equal(1, small._engine.RejectReasons["member-limit"]);
        Assert.Equal(1, small._engine.RejectReasons["STATUS:unknown-session"]);
    }

    [Fact]
    public void Request_MemberOfAFullSessionAsksAgain_OfferedItsOwnSession_ANewMachineANewOne()
    {
        var small = new DonorEngineMemberLimitTests(new DonorLimits { MembersPerSession = 2, LiveMembers = 100 });
        var first = small.Request(0);
        Assert.True(small.Accept(first, ImageId, 0));
        Assert.True(small.Accept(first, ImageId, 1));

        // Machine 1 rediscovered (T_lost, say): its own session again, where it keeps its membership.
        Assert.Equal(first.Session, small.Request(1).Session);
        // Machine 2 is new: the full session is not offered to it.
        Assert.NotEqual(first.Session, small.Request(2).Session);
    }
}
