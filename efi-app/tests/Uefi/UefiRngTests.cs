using System;
using System.Runtime.InteropServices;
using UefiRecovery.Core.Common;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>
/// <see cref="UefiRng.Fill"/> against a fake EFI_RNG_PROTOCOL whose GetRNG slot is an
/// [UnmanagedCallersOnly] C# method (host ABI on both sides). The fake records what it was asked.
/// </summary>
public sealed unsafe class UefiRngTests
{
    private static EfiStatus s_result;
    private static bool s_sawNullAlgorithm;
    private static nuint s_requestedLength;
    private static RngProtocol* s_sawThis;

    [Fact]
    public void Fill_DriverSucceeds_DefaultAlgorithmFullLengthBytesKept()
    {
        RngProtocol rng = Fake(EfiStatus.Success);
        Span<byte> buffer = stackalloc byte[16];

        EfiResult result = new UefiRng(&rng).Fill(buffer);

        Assert.True(result.IsSuccess);
        Assert.True(s_sawNullAlgorithm, "GetRNG must be called with RNGAlgorithm = NULL (the driver's default)");
        Assert.Equal((nuint)16, s_requestedLength);
        Assert.True(s_sawThis == &rng, "This must be the protocol pointer");
        for (int i = 0; i < buffer.Length; i++)
            Assert.Equal((byte)(0xA0 + i), buffer[i]);
    }

    [Fact]
    public void Fill_DriverFailsAfterWriting_BufferClearedAndStatusReturned()
    {
        RngProtocol rng = Fake(EfiStatus.DeviceError);
        Span<byte> buffer = stackalloc byte[16];

        EfiResult result = new UefiRng(&rng).Fill(buffer);

        Assert.False(result.IsSuccess);
        Assert.Equal(EfiStatus.DeviceError.Value, result.Status.Value);
        Assert.True(buffer.IndexOfAnyExcept((byte)0) < 0, "half-written bytes of a failed GetRNG must not be kept");
    }

    [Fact]
    public void Fill_NullProtocol_UnsupportedAndBufferCleared()
    {
        Span<byte> buffer = stackalloc byte[8];
        buffer.Fill(0x55);

        EfiResult result = new UefiRng(null).Fill(buffer);

        Assert.False(result.IsSuccess);
        Assert.Equal(EfiStatus.Unsupported.Value, result.Status.Value);
        Assert.True(buffer.IndexOfAnyExcept((byte)0) < 0);
    }

    private static RngProtocol Fake(EfiStatus result)
    {
        s_result = result;
        s_sawNullAlgorithm = false;
        s_requestedLength = 0;
        s_sawThis = null;
        return new RngProtocol { GetInfo = null, GetRng = &GetRng };
    }

    /// <summary>Writes 0xA0, 0xA1, ... whatever it returns, like a driver that fails part-way.</summary>
    [UnmanagedCallersOnly]
    private static EfiStatus GetRng(RngProtocol* self, EfiGuid* algorithm, nuint length, byte* value)
    {
        s_sawThis = self;
        s_sawNullAlgorithm = algorithm == null;
        s_requestedLength = length;
        for (nuint i = 0; i < length; i++)
            value[i] = (byte)(0xA0 + i);
        return s_result;
    }
}
