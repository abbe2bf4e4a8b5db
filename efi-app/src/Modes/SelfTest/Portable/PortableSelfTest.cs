namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>
/// The part of the runtime self-test that needs no firmware: it exercises every API and language
/// feature the portable subset allows (docs/portable-subset.md). It compiles into the EFI app, where
/// it runs against runtime-shim, and into RuntimeShim.Tests, where it runs against .NET: the same
/// source and the same expected answers on both sides.
/// </summary>
public static class PortableSelfTest
{
    public static void Run(ISelfTestSink sink)
    {
        AllocationChecks.Run(sink);
        StringChecks.Run(sink);
        SpanChecks.Run(sink);
        BinaryPrimitivesChecks.Run(sink);
        BinaryPrimitivesRoundTripChecks.Run(sink);
        MathChecks.Run(sink);
        BitOperationsChecks.Run(sink);
        FormattingChecks.Run(sink);
        InterpolationChecks.Run(sink);
        ArithmeticChecks.Run(sink);
        DispatchChecks.Run(sink);
        GenericChecks.Run(sink);
        StaticConstructorChecks.Run(sink);
        BoxingChecks.Run(sink);
        CastChecks.Run(sink);
        ArrayCovarianceChecks.Run(sink);
    }
}
