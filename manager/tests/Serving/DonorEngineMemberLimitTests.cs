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
/// How many members the donor engine takes (docs/operating.md §7): 16,384 in one session, so a row of 10,000 machines
/// is one session and one pass; 65,536 in all live sessions, so a flood of genuine-looking ACCEPTs (anyone who knows
/// the secret, or many real machines) takes no more memory than the old 4,096 per session allowed for 16 sessions.
/// The ACCEPTs carry tokens made with the engine's own secret, as a machine that heard its OFFER would.
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

    public DonorEngineMemberLimitTests()
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
            Faults = FaultOptions.None, DonorName = "limits", Priority = 100, LiveView = false,
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
        for (int i = 0; i < DonorEngine.MaxClientsPerSession; i++)
            Assert.True(Accept(offer, imageId, i), "machine " + i + " refused");

        Assert.False(Accept(offer, imageId, DonorEngine.MaxClientsPerSession));
        ImageSession session = Assert.Single(_engine.Sessions);
        Assert.Equal(DonorEngine.MaxClientsPerSession, session.Clients.Count);
        // A member already in is taken again (its ACCEPT repeated), not refused.
        Assert.True(Accept(offer, imageId, 17));
    }

    [Fact]
    public void Accept_AllLiveSessionsTogetherFull_NextSessionsFirstMemberRefusedAndCounted()
    {
        ulong imageId = ImageId;
        int machine = 0;
        int sessions = DonorEngine.MaxLiveMembers / DonorEngine.MaxClientsPerSession;
        for (int s = 0; s < sessions; s++)
        {
            var offer = Request(machine);
            for (int i = 0; i < DonorEngine.MaxClientsPerSession; i++, machine++)
                Assert.True(Accept(offer, imageId, machine), "machine " + machine + " refused");
        }
        Assert.Equal(sessions, _engine.Sessions.Count);

        var last = Request(machine);
        Assert.False(Accept(last, imageId, machine));
        Assert.Equal(1, _engine.RejectReasons["ACCEPT:member-limit"]);
    }
}
