using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using Xunit;

namespace UefiRecovery.Core.Tests.Image;

/// <summary>Dependency expressions (UEFI 2.10 section 23.4), hand-assembled.</summary>
public class FirmwareImageDependencyTests
{
    private static readonly EfiGuid Own = Edk2Vectors.ImageType;

    [Theory]
    [InlineData("0d", 1)]
    [InlineData("060d", 2)]
    [InlineData("0e0a0000000d", 6)]
    [InlineData("02414200060d", 6)] // DECLARE_VERSION_NAME "AB\0"
    [InlineData("0100000100060d4d5353", 7)] // stops at END; bytes after belong to the payload header
    public void TryMeasure_WellFormed_LengthIncludesEnd(string hex, int expectedLength)
    {
        Assert.Equal(CapsuleStatus.Ok, FirmwareImageDependency.TryMeasure(Convert.FromHexString(hex), out int length));
        Assert.Equal(expectedLength, length);
    }

    [Theory]
    [InlineData("", CapsuleStatus.DependencyNoEnd)]
    [InlineData("06", CapsuleStatus.DependencyNoEnd)]
    [InlineData("0f0d", CapsuleStatus.DependencyUnknownOpcode)]
    [InlineData("00", CapsuleStatus.DependencyTruncated)]
    [InlineData("000102030405060708090a0b0c0d0e0f", CapsuleStatus.DependencyTruncated)]
    [InlineData("01000000", CapsuleStatus.DependencyTruncated)]
    [InlineData("0e00", CapsuleStatus.DependencyTruncated)]
    [InlineData("024142", CapsuleStatus.DependencyTruncated)]
    public void TryMeasure_Malformed_Rejected(string hex, CapsuleStatus expected)
    {
        Assert.Equal(expected, FirmwareImageDependency.TryMeasure(Convert.FromHexString(hex), out int length));
        Assert.Equal(0, length);
    }

    private static byte[] PushOwn()
    {
        byte[] bytes = new byte[17];
        Own.TryWrite(bytes.AsSpan(1));
        return bytes;
    }

    [Theory]
    [InlineData("060d", CapsuleStatus.Ok)]
    [InlineData("070d", CapsuleStatus.DependencyNotSatisfied)]
    [InlineData("07050d", CapsuleStatus.Ok)]
    [InlineData("0607030d", CapsuleStatus.DependencyNotSatisfied)]
    [InlineData("0607040d", CapsuleStatus.Ok)]
    [InlineData("0d", CapsuleStatus.DependencyMalformed)]         // END with an empty stack
    [InlineData("01050000000d", CapsuleStatus.DependencyMalformed)] // END on a version
    [InlineData("06080d", CapsuleStatus.DependencyMalformed)]     // EQ needs two versions
    [InlineData("0106000000010600000008", CapsuleStatus.DependencyMalformed)] // no END
    [InlineData("010600000001060000000d", CapsuleStatus.DependencyMalformed)] // END on a version
    [InlineData("01060000000106000000080d", CapsuleStatus.Ok)]
    [InlineData("01050000000106000000090d", CapsuleStatus.Ok)]    // top 6 > next 5
    [InlineData("010500000001060000000b0d", CapsuleStatus.DependencyNotSatisfied)] // top 6 < next 5
    [InlineData("0e07000000060d", CapsuleStatus.Ok)]
    [InlineData("0e0c000000060d", CapsuleStatus.DependencyMalformed)] // declared length lies
    [InlineData("060e07000000", CapsuleStatus.DependencyMalformed)]   // DECLARE_LENGTH not first
    public void Evaluate_Expressions_FollowEdk2Semantics(string hex, CapsuleStatus expected)
    {
        Assert.Equal(expected, FirmwareImageDependency.Evaluate(Convert.FromHexString(hex), Own, 0x10));
    }

    [Fact]
    public void Evaluate_PushGuid_UsesCurrentVersionForOwnTypeOnly()
    {
        // PUSH_VERSION 0x10, PUSH_GUID own, EQ, END
        byte[] expression = [0x01, 0x10, 0, 0, 0, .. PushOwn(), 0x08, 0x0D];
        Assert.Equal(CapsuleStatus.Ok, FirmwareImageDependency.Evaluate(expression, Own, 0x10));
        Assert.Equal(CapsuleStatus.DependencyNotSatisfied, FirmwareImageDependency.Evaluate(expression, Own, 0x11));
        expression[6] ^= 1; // another image type: unknown on this machine
        Assert.Equal(CapsuleStatus.DependencyNotSatisfied, FirmwareImageDependency.Evaluate(expression, Own, 0x10));
    }

    [Fact]
    public void Evaluate_OwnTypeWithInstalledVersionUnreadable_FailsClosed()
    {
        // PUSH_VERSION 0x20000, PUSH_GUID own, LT, END ("top < next": installed < 2.0) held for an unreadable
        // (0) version before; now an expression that needs the installed version fails when it cannot be read.
        byte[] expression = [0x01, 0x00, 0x00, 0x02, 0x00, .. PushOwn(), 0x0B, 0x0D];
        Assert.Equal(CapsuleStatus.DependencyInstalledVersionUnknown, FirmwareImageDependency.Evaluate(expression, Own, 0));
        Assert.Equal(CapsuleStatus.Ok, FirmwareImageDependency.Evaluate(expression, Own, 0x10000));
    }

    [Fact]
    public void Evaluate_StackDeeperThanLimit_Malformed()
    {
        byte[] expression = new byte[200];
        Array.Fill(expression, (byte)0x06);
        expression[^1] = 0x0D;
        Assert.Equal(CapsuleStatus.DependencyMalformed, FirmwareImageDependency.Evaluate(expression, Own, 0));
    }
}
