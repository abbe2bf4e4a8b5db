using System;
using System.Linq;
using System.Security.Cryptography;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Planning;
using UefiRecovery.Manager.Serving.Sessions;
using UefiRecovery.Core.Protocol.Client;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// The real client engine (several <see cref="Core.Protocol.Client.ClientSession"/>s, the firmware's code) against
/// the real donor engine (<see cref="DonorEngine"/>, serve's code), stepped on a virtual clock over the fleet model's
/// in-memory network with seeded loss: each machine assembles into its own buffer and its verified image is compared
/// with the served one byte for byte. The socket and OVMF tests cover the same paths with real I/O; these run the
/// donor's protocol decisions against the real client without either.
/// </summary>
public sealed class DonorEngineRecoveryTests
{
    // ~210 fragments of 1432 bytes: a few manifest groups and FEC blocks.
    private static readonly FleetScenario Lossy = new()
    {
        Machines = 4,
        ImageBytes = 300_000,
        RateMbitPerSecond = 100,
        LossTowardMachines = 0.05,
        LossTowardDonor = 0.02,
        OfferWindow = TimeSpan.FromMilliseconds(200),
        Gather = TimeSpan.FromMilliseconds(200),
        ShareImageBuffer = false,
        TimeLimit = TimeSpan.FromMinutes(2),
        Seed = 11,
    };

    private static void AssertEveryMachineByteExact(FleetModel model, FleetResult result)
    {
        Assert.Equal(result.Machines, result.Recovered);
        byte[] expected = SHA256.HashData(model.Image);
        foreach (ModelMachine machine in model.Machines)
        {
            Assert.True(machine.VerifiedSha256 is not null, "machine " + machine.Index + " verified no image");
            Assert.Equal(expected, machine.VerifiedSha256);
            Assert.True(machine.Session.ResultAcknowledged, "machine " + machine.Index + ": RESULT not acknowledged");
        }
        Assert.Equal(0, result.ImagesRejected);
    }

    [Fact]
    public void Lossy_FecOff_EveryMachineRecoversByteExactThroughNackRepair()
    {
        var model = new FleetModel(Lossy);

        FleetResult result = model.Run();

        AssertEveryMachineByteExact(model, result);
        Assert.True(result.RepairRounds >= 1, "5 % loss needs a repair pass");
        Assert.True(result.LinkLossesTowardMachines > 0);
        Assert.Equal(0, result.ParityPerImage);
        Assert.True(result.StatusMessages > 0);
    }

    [Fact]
    public void Lossy_FecOn_EveryMachineRecoversByteExactWithDecodedFragments()
    {
        var model = new FleetModel(Lossy with { Fec = true });

        FleetResult result = model.Run();

        AssertEveryMachineByteExact(model, result);
        Assert.True(result.ParityPerImage > 0, "the donor sent no PARITY");
        Assert.True(model.Machines.Sum(m => (long)m.Session.FragmentsDecoded) > 0, "no machine restored a fragment from parity");
        Assert.Equal(0, result.DecodesRejected);
    }

    [Fact]
    public void Lossy_FecProactive_EveryMachineByteExactWithoutARepairPass()
    {
        // 5 % loss: 16 parity per block (25 %) leave a machine short with P(more than 16 of 80 lost) ≈ 1e-5 per block.
        var model = new FleetModel(Lossy with { Fec = true, FecProactive = 0.25 });

        FleetResult result = model.Run();

        AssertEveryMachineByteExact(model, result);
        Assert.Equal(0, result.RepairRounds);
        Assert.True(model.Machines.Sum(m => (long)m.Session.FragmentsDecoded) > 0, "no machine restored a fragment from pass 0's parity");
        // 16 parity after each of the 3 full blocks and 16 after the last block of 18 fragments (a full block's count,
        // §5.5): 64 parity for 210 fragments, 0.305 of them, headers included a little more.
        Assert.InRange(result.ParityPerImage, 0.30, 0.33);
        Assert.Equal(0, result.DecodesRejected);
    }

    [Fact]
    public void Lossy_FecProactive_AnOldClientThatDoesNotDecode_CompletesBesideTheOthers()
    {
        var model = new FleetModel(Lossy with { Fec = true, FecProactive = 0.25, MachinesWithoutFec = 1 });

        FleetResult result = model.Run();

        AssertEveryMachineByteExact(model, result);
        Assert.Equal(0u, model.Machines[0].Session.FragmentsDecoded);
        Assert.True(model.Machines.Skip(1).Sum(m => (long)m.Session.FragmentsDecoded) > 0);
        // The old client's NACKs are what the repair passes carry.
        Assert.True(result.RepairRounds >= 1);
    }

    [Fact]
    public void Lossy_FecProactiveTooSmallForTheLoss_RepairParityContinuesAfterIt()
    {
        // 1 parity per block at 5 % loss: most blocks are still short after pass 0, and their repair parity must be
        // new indices (a machine holding pass 0's parity 0 cannot use another parity 0).
        var model = new FleetModel(Lossy with { Fec = true, FecProactive = 1.0 / 64 });

        FleetResult result = model.Run();

        AssertEveryMachineByteExact(model, result);
        Assert.True(result.RepairRounds >= 1);
        Assert.InRange(result.RepairRounds, 1, 3);
        Assert.Equal(0, result.DecodesRejected);
    }

    [Fact]
    public void LateJoiner_JoinsTheRunningPass_AndGetsWhatItMissedByRepair()
    {
        // 10 Mbit/s: pass 0 of 300 kB lasts about 0.25 s; the fourth machine boots 0.1 s into it.
        FleetScenario scenario = Lossy with { RateMbitPerSecond = 10, LossTowardMachines = 0.01, LossTowardDonor = 0 };
        var probe = new FleetModel(scenario with { Machines = 3, StartTimes = new[] { TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero } });
        probe.Run();
        TimeSpan passStart = probe.Donor.Sessions.Single().FirstDataAt;
        // Its discovery takes the offer window, so it boots that much before it should join.
        TimeSpan late = passStart + TimeSpan.FromMilliseconds(100) - scenario.OfferWindow;
        var model = new FleetModel(scenario with { StartTimes = new[] { TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, late } });

        FleetResult result = model.Run();

        AssertEveryMachineByteExact(model, result);
        ImageSession session = Assert.Single(model.Donor.Sessions);
        Assert.Equal(4, session.Clients.Count);
        ModelMachine joiner = model.Machines[3];
        Assert.True(joiner.AcceptSentAt > session.FirstDataAt, $"the joiner accepted at {joiner.AcceptSentAt}, before the pass began at {session.FirstDataAt}");
        Assert.True(result.RepairRounds >= 1, "what the joiner missed of pass 0 comes in a repair pass");
    }

    [Fact]
    public void LostAccept_OneMachine_AcceptIsRepeatedAndTheSessionStartsThen()
    {
        int accepts = 0;
        FleetScenario scenario = Lossy with
        {
            Machines = 1,
            LossTowardMachines = 0,
            LossTowardDonor = 0,
            UplinkFilter = (machine, datagram) => IsAccept(datagram) && ++accepts == 1,
        };
        var model = new FleetModel(scenario);

        FleetResult result = model.Run();

        AssertEveryMachineByteExact(model, result);
        Assert.True(accepts >= 2, "the machine never repeated its lost ACCEPT");
        ImageSession session = Assert.Single(model.Donor.Sessions);
        // The session exists only from the repeated ACCEPT, one T_acc (250 ms, ±25 %) after the first.
        var retry = TimeSpan.FromMilliseconds(new ClientTimings().AcceptRetryMs * 0.75);
        Assert.True(session.CreatedAt - model.Machines[0].AcceptSentAt!.Value >= retry,
            $"session created {session.CreatedAt - model.Machines[0].AcceptSentAt} after the first ACCEPT");
    }

    [Fact]
    public void LostAccept_TwoMachines_TheSilentOneJoinsByItsStatus()
    {
        int dropped = 0;
        FleetScenario scenario = Lossy with
        {
            Machines = 2,
            LossTowardMachines = 0.02,
            LossTowardDonor = 0,
            // Every ACCEPT of machine 0 is lost: it hears the session's broadcast DATA anyway and becomes a member by its STATUS (§7.2 rule 7).
            UplinkFilter = (machine, datagram) => machine == 0 && IsAccept(datagram) && ++dropped >= 1,
        };
        var model = new FleetModel(scenario);

        FleetResult result = model.Run();

        AssertEveryMachineByteExact(model, result);
        Assert.True(dropped >= 1);
        ImageSession session = Assert.Single(model.Donor.Sessions);
        Assert.Equal(2, session.Clients.Count);
    }

    private static bool IsAccept(ReadOnlySpan<byte> datagram) =>
        MessageFrame.TryReadStructure(datagram, out MessageFrame frame) == WireStatus.Ok && frame.Type == MessageType.Accept;
}
