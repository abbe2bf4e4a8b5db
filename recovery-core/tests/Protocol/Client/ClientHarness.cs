using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// One simulated segment with a stepped clock: clients (real <see cref="ClientSession"/>s over
/// <see cref="TestClientTransport"/>), scripted donors, and the fault-injecting network between them.
/// </summary>
internal sealed class ClientHarness
{
    public const uint ClientBaseAddress = 0x0A00000A; // 10.0.0.10
    public const uint DonorBaseAddress = 0x0A000001;  // 10.0.0.1
    public const uint GenuineVersion = 0x00010002;

    public static readonly ImageTypeId Platform = MakeType(0x6E);
    public static readonly ImageTypeId OtherPlatform = MakeType(0x11);

    private readonly ClientSession[] _clients = new ClientSession[32];
    private readonly TestClientTransport[] _transports = new TestClientTransport[32];
    private readonly ClientEvents[] _events = new ClientEvents[32];
    private readonly ExpectedImageVerifier[] _verifiers = new ExpectedImageVerifier[32];
    private readonly ScriptedDonor[] _donors = new ScriptedDonor[8];
    private int _clientCount;
    private int _donorCount;

    public ClientHarness(int imageSize, ulong seed)
    {
        Network = new SimulatedNetwork(seed);
        Genuine = new byte[imageSize];
        new Random((int)seed).NextBytes(Genuine);
        GenuineId = 0xC0FFEE0000000000UL | (uint)imageSize;
    }

    public SimulatedNetwork Network { get; }
    public byte[] Genuine { get; }
    public ulong GenuineId { get; }
    public ulong Now { get; private set; } = 1000;
    public uint StepMs { get; set; } = 1;

    /// <summary>When set, a client whose image was verified reports success at once.</summary>
    public bool AutoReportSuccess { get; set; } = true;

    public ClientSession Client(int i) => _clients[i];
    public TestClientTransport Transport(int i) => _transports[i];
    public ClientEvents EventsSeen(int i) => _events[i];
    public ExpectedImageVerifier Verifier(int i) => _verifiers[i];
    public ScriptedDonor Donor(int i) => _donors[i];

    public static ClientConfig DefaultConfig(int index)
    {
        return new ClientConfig
        {
            ImageType = Platform,
            CurrentVersion = 0x00010001,
            LowestAcceptableVersion = 0x00010000,
            MacAddress = 0x525400000000UL + (ulong)index + 1,
            Ipv4Address = ClientBaseAddress + (uint)index,
            ImageCapacity = 256 * 1024,
            RandomSeed = 0xABCDEF00UL + (ulong)index,
        };
    }

    public ClientSession AddClient(ClientConfig config)
    {
        TestClientTransport transport = new TestClientTransport(config.Ipv4Address);
        ExpectedImageVerifier verifier = new ExpectedImageVerifier(Genuine, GenuineVersion);
        ClientSetupStatus status = ClientSession.TryCreate(config, transport, verifier, out ClientSession? session);
        if (status != ClientSetupStatus.Ok || session is null)
        {
            throw new InvalidOperationException("client setup: " + status);
        }
        Network.AddClient(transport);
        _transports[_clientCount] = transport;
        _verifiers[_clientCount] = verifier;
        _clients[_clientCount++] = session;
        return session;
    }

    public ScriptedDonor AddDonor(
        ulong donorId, byte[] image, ulong imageId, uint version, ushort fragmentSize = 1432, uint sessionId = 0,
        ImageTypeId? imageType = null)
    {
        ScriptedDonor donor = new ScriptedDonor(
            Network, donorId, DonorBaseAddress + (uint)_donorCount, image, imageId, imageType ?? Platform, version, fragmentSize,
            sessionId != 0 ? sessionId : 0x5E550000u + (uint)_donorCount, donorId);
        Network.AddDonor(donor);
        _donors[_donorCount++] = donor;
        return donor;
    }

    public ScriptedDonor AddGenuineDonor(ulong donorId, ushort fragmentSize = 1432)
    {
        return AddDonor(donorId, Genuine, GenuineId, GenuineVersion, fragmentSize);
    }

    /// <summary>One clock step: every client polls, the network carries their datagrams, every donor ticks.</summary>
    public void Step()
    {
        for (int i = 0; i < _clientCount; i++)
        {
            ClientEvents events = _clients[i].Poll(Now);
            _events[i] |= events;
            if (AutoReportSuccess && (events & ClientEvents.ImageVerified) != 0)
            {
                _clients[i].ReportOutcome(Now, true, ResultReason.None, GenuineVersion);
            }
        }
        Network.Pump(Now);
        for (int d = 0; d < _donorCount; d++)
        {
            _donors[d].Tick(Now);
        }
        Now += StepMs;
    }

    /// <summary>Steps until every client is Finished or <paramref name="limitMs"/> of simulated time passed.</summary>
    public bool RunUntilAllFinished(ulong limitMs)
    {
        ulong end = Now + limitMs;
        while (Now < end)
        {
            if (AllInState(ClientState.Finished))
            {
                return true;
            }
            Step();
        }
        return AllInState(ClientState.Finished);
    }

    public bool RunUntil(Func<bool> condition, ulong limitMs)
    {
        ulong end = Now + limitMs;
        while (Now < end)
        {
            if (condition())
            {
                return true;
            }
            Step();
        }
        return condition();
    }

    public bool AllInState(ClientState state)
    {
        for (int i = 0; i < _clientCount; i++)
        {
            if (_clients[i].State != state)
            {
                return false;
            }
        }
        return true;
    }

    private static ImageTypeId MakeType(byte first)
    {
        byte[] bytes = Convert.FromHexString("1B1A3C6E4D3F0E4F9C642A5D8B1F7E10");
        bytes[0] = first;
        ImageTypeId.TryRead(bytes, out ImageTypeId id);
        return id;
    }
}
