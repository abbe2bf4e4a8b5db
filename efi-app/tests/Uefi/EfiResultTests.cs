using UefiRecovery.Efi.Uefi;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

public sealed class EfiResultTests
{
    [Fact]
    public void From_Success_IsSuccess()
    {
        Assert.True(EfiResult.From(EfiStatus.Success).IsSuccess);
    }

    [Fact]
    public void From_Error_IsFailureWithStatus()
    {
        EfiResult result = EfiResult.From(EfiStatus.DeviceError);

        Assert.False(result.IsSuccess);
        Assert.Equal(EfiStatus.DeviceError, result.Status);
    }

    [Fact]
    public void From_WarningByDefault_IsFailure()
    {
        EfiResult result = EfiResult.From(EfiStatus.WarnWriteFailure);

        Assert.False(result.IsSuccess);
        Assert.Equal(EfiStatus.WarnWriteFailure, result.Status);
    }

    [Fact]
    public void From_WarningAcceptedByCaller_IsSuccessKeepingStatus()
    {
        EfiResult result = EfiResult.From(EfiStatus.WarnWriteFailure, WarningPolicy.TreatAsSuccess);

        Assert.True(result.IsSuccess);
        Assert.Equal(EfiStatus.WarnWriteFailure, result.Status);
    }

    [Fact]
    public void From_ErrorWithWarningsAccepted_IsStillFailure()
    {
        Assert.False(EfiResult.From(EfiStatus.NotFound, WarningPolicy.TreatAsSuccess).IsSuccess);
    }

    [Fact]
    public void Failure_TryGetValue_ReturnsFalseAndDefault()
    {
        EfiResult<ulong> result = EfiResult<ulong>.Failure(EfiStatus.Timeout);

        Assert.False(result.IsSuccess);
        Assert.False(result.TryGetValue(out ulong value));
        Assert.Equal(0UL, value);
        Assert.Equal(EfiStatus.Timeout, result.Status);
    }

    [Fact]
    public void Success_TryGetValue_ReturnsValue()
    {
        EfiResult<ulong> result = EfiResult<ulong>.Success(EfiStatus.Success, 7);

        Assert.True(result.TryGetValue(out ulong value));
        Assert.Equal(7UL, value);
        Assert.Equal(7UL, result.Value);
    }
}
