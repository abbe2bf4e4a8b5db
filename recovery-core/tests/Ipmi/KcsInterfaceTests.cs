using UefiRecovery.Core.Ipmi;
using Xunit;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>
/// The host KCS flow of IPMI 2.0 §9.15 against a BMC side that follows the spec (<see cref="SpecKcsBmc"/>):
/// the happy path byte for byte, then every error state the spec names: a write not taken (IBF), no answer,
/// ERROR in the write and read phases, a wrong state after WRITE_START, OBF missing, a response too long,
/// and an error exit the BMC does not follow.
/// </summary>
public sealed class KcsInterfaceTests
{
    private static readonly byte[] GetDeviceId = [0x06 << 2, 0x01];

    private const int HandshakeMicroseconds = 1_000;
    private const int ResponseMicroseconds = 5_000_000;

    private static KcsInterface Interface(SpecKcsBmc bmc, int retries = 2) => new(bmc, HandshakeMicroseconds, ResponseMicroseconds, retries);

    [Fact]
    public void Transact_SpecBmc_DeliversRequestAndReadsWholeResponse()
    {
        var bmc = new SpecKcsBmc { Handler = request => [0x1C, request[1], 0x00, 0x20, 0x01, 0x02, 0x03] };
        var kcs = Interface(bmc);
        byte[] request = [0x06 << 2, 0x59, 0x00, 0xC0, 0x00, 0x00];
        var response = new byte[32];

        KcsTransferStatus status = kcs.Transact(request, response, out int length);

        Assert.Equal(KcsTransferStatus.Ok, status);
        Assert.Equal(request, Assert.Single(bmc.Requests));
        Assert.Equal(new byte[] { 0x1C, 0x59, 0x00, 0x20, 0x01, 0x02, 0x03 }, response[..length]);
        Assert.Equal(1, kcs.Attempts);
    }

    public static TheoryData<KcsFault, KcsTransferStatus, byte> FaultsThatAbortCleanly => new()
    {
        { KcsFault.ErrorStateInWritePhase, KcsTransferStatus.UnexpectedState, 0x06 },
        { KcsFault.IdleAfterWriteStart, KcsTransferStatus.UnexpectedState, 0x01 },
        { KcsFault.ErrorStateInReadPhase, KcsTransferStatus.UnexpectedState, 0xFF },
        { KcsFault.ObfNeverSet, KcsTransferStatus.ObfTimeout, 0x01 },
    };

    [Theory]
    [MemberData(nameof(FaultsThatAbortCleanly))]
    public void Transact_FaultEveryAttempt_ErrorExitEachTimeThenFault(KcsFault fault, KcsTransferStatus expected, byte errorCode)
    {
        var bmc = new SpecKcsBmc { Fault = fault };
        var kcs = Interface(bmc, retries: 2);
        var response = new byte[32];

        KcsTransferStatus status = kcs.Transact(GetDeviceId, response, out int length);

        Assert.Equal(expected, status);
        Assert.Equal(0, length);
        Assert.Equal(3, kcs.Attempts);
        Assert.Equal(errorCode, kcs.LastErrorCode);
        Assert.Equal(expected, kcs.LastFault);
    }

    [Theory]
    [MemberData(nameof(FaultsThatAbortCleanly))]
    public void Transact_FaultFirstAttemptOnly_RetrySucceeds(KcsFault fault, KcsTransferStatus expected, byte errorCode)
    {
        var bmc = new SpecKcsBmc { Fault = fault, FaultyTransfers = 1 };
        var kcs = Interface(bmc);
        var response = new byte[32];

        KcsTransferStatus status = kcs.Transact(GetDeviceId, response, out int length);

        Assert.Equal(KcsTransferStatus.Ok, status);
        Assert.Equal(new byte[] { 0x1C, 0x01, 0x00 }, response[..length]);
        Assert.Equal(2, kcs.Attempts);
        Assert.Equal(expected, kcs.LastFault);
        Assert.Equal(errorCode, kcs.LastErrorCode);
    }

    [Theory]
    [InlineData(KcsFault.IbfStuckInWritePhase)]
    [InlineData(KcsFault.NeverResponds)]
    public void Transact_IbfNeverClears_IbfTimeoutThenAbortFailed(KcsFault fault)
    {
        var bmc = new SpecKcsBmc { Fault = fault };
        var kcs = Interface(bmc);
        var response = new byte[32];

        KcsTransferStatus status = kcs.Transact(GetDeviceId, response, out int length);

        Assert.Equal(KcsTransferStatus.AbortFailed, status);
        Assert.Equal(KcsTransferStatus.IbfTimeout, kcs.LastFault);
        Assert.Equal(0, length);
        Assert.Equal(1, kcs.Attempts);
    }

    [Fact]
    public void Transact_NoAnswer_WaitBoundedByTimeBudgets()
    {
        var bmc = new SpecKcsBmc { Fault = KcsFault.NeverResponds };
        var kcs = Interface(bmc);

        kcs.Transact(GetDeviceId, new byte[32], out _);

        // The answer budget once, the first abort wait once: bounded in time, not a hang.
        long budgets = ResponseMicroseconds + HandshakeMicroseconds;
        Assert.InRange(bmc.StalledMicroseconds, budgets, budgets + 2 * KcsInterface.StallMicroseconds);
        Assert.Equal(bmc.StalledMicroseconds, kcs.StalledMicroseconds);
    }

    [Theory]
    [InlineData(KcsInterface.StallMicroseconds)]
    [InlineData(ResponseMicroseconds / 2)]
    [InlineData(ResponseMicroseconds - KcsInterface.StallMicroseconds)]
    public void Transact_AnswerSlowerThanManyPollsWithinTimeBudget_ReadWithoutAbort(int answerDelayMicroseconds)
    {
        // The CI failure this guards against: the budget must be time, so however fast the host polls, a BMC
        // (or QEMU's model answering C3h after 4 s) that answers within it is read, not aborted mid-request.
        var bmc = new SpecKcsBmc { AnswerDelayMicroseconds = answerDelayMicroseconds };
        var kcs = Interface(bmc);
        var response = new byte[32];

        KcsTransferStatus status = kcs.Transact(GetDeviceId, response, out int length);

        Assert.Equal(KcsTransferStatus.Ok, status);
        Assert.Equal(new byte[] { 0x1C, 0x01, 0x00 }, response[..length]);
        Assert.Equal(1, kcs.Attempts);
        Assert.Equal(KcsTransferStatus.Ok, kcs.LastFault);
        Assert.True(kcs.Polls > KcsInterface.FastPolls, "the answer came only after the wait started stalling");
    }

    [Fact]
    public void Transact_HandshakesAnswerAtOnce_NoStall()
    {
        var bmc = new SpecKcsBmc();

        Interface(bmc).Transact(GetDeviceId, new byte[32], out _);

        Assert.Equal(0, bmc.StalledMicroseconds);
    }

    [Fact]
    public void Transact_AbortIgnored_AbortFailed()
    {
        var stuck = new SpecKcsBmc { Fault = KcsFault.AbortIgnored };
        var response = new byte[2];

        // Response of 3 bytes into a 2-byte buffer forces the error exit, which this BMC does not follow.
        KcsTransferStatus status = Interface(stuck).Transact(GetDeviceId, response, out int length);

        Assert.Equal(KcsTransferStatus.AbortFailed, status);
        Assert.Equal(0, length);
    }

    [Fact]
    public void Transact_ResponseLongerThanBuffer_ResponseTooLongAfterRetries()
    {
        var bmc = new SpecKcsBmc();
        var kcs = Interface(bmc, retries: 1);
        var response = new byte[2];

        KcsTransferStatus status = kcs.Transact(GetDeviceId, response, out int length);

        Assert.Equal(KcsTransferStatus.ResponseTooLong, status);
        Assert.Equal(0, length);
        Assert.Equal(2, kcs.Attempts);
        Assert.Equal(0x01, kcs.LastErrorCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(KcsInterface.MaxMessageBytes + 1)]
    public void Transact_BadRequestLength_BadRequestNothingWritten(int requestLength)
    {
        var bmc = new SpecKcsBmc();
        var kcs = Interface(bmc);

        KcsTransferStatus status = kcs.Transact(new byte[requestLength], new byte[8], out int length);

        Assert.Equal(KcsTransferStatus.BadRequest, status);
        Assert.Equal(0, length);
        Assert.Empty(bmc.Requests);
        Assert.Equal(0, bmc.StatusReads);
    }
}
