using System;

namespace UefiRecovery.Core.Config;

/// <summary>The values of <c>uefirecovery.test.fvb-fail</c>, which are also the reasons the app prints.</summary>
public static class FvbTestFaultNames
{
    public static bool TryParse(ReadOnlySpan<char> value, out FvbTestFault fault)
    {
        for (FvbTestFault f = FvbTestFault.None; f <= FvbTestFault.GetPhysicalAddress; f++)
        {
            if (ConfigKeyNames.TextEquals(value, Name(f)))
            {
                fault = f;
                return true;
            }
        }
        fault = FvbTestFault.None;
        return false;
    }

    public static string Name(FvbTestFault fault) => fault switch
    {
        FvbTestFault.Open => "open",
        FvbTestFault.GetBlockSize => "get-block-size",
        FvbTestFault.GetAttributes => "get-attributes",
        FvbTestFault.GetPhysicalAddress => "get-physical-address",
        _ => "none",
    };
}
