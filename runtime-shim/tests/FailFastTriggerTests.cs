using System;
using UefiRecovery.Efi.Modes.SelfTest;
using Xunit;

namespace UefiRecovery.RuntimeShim.Tests;

/// <summary>
/// Each deliberately failing self-test scenario must fail on .NET too, with the exception whose
/// fail-fast kind the EFI build prints (runtime-shim/README.md, "Self-test protocol").
/// Environment.FailFast and out-of-memory are not run here: the first ends the test host, the second
/// depends on the host's memory.
/// </summary>
public sealed class FailFastTriggerTests
{
    [Theory]
    [InlineData(FailFastScenario.Bounds, typeof(IndexOutOfRangeException))]
    [InlineData(FailFastScenario.Null, typeof(NullReferenceException))]
    [InlineData(FailFastScenario.Overflow, typeof(OverflowException))]
    [InlineData(FailFastScenario.DivideByZero, typeof(DivideByZeroException))]
    [InlineData(FailFastScenario.InvalidCast, typeof(InvalidCastException))]
    [InlineData(FailFastScenario.ArrayStore, typeof(ArrayTypeMismatchException))]
    public void Trigger_Scenario_ThrowsMatchingDotNetException(FailFastScenario scenario, Type expected)
    {
        Exception? thrown = Record.Exception(() => FailFastTriggers.Trigger(scenario));

        Assert.NotNull(thrown);
        Assert.IsType(expected, thrown);
    }

    [Fact]
    public void Trigger_None_Returns()
    {
        Assert.Equal(0, FailFastTriggers.Trigger(FailFastScenario.None));
    }
}
