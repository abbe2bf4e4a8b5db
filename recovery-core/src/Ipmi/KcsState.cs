namespace UefiRecovery.Core.Ipmi;

/// <summary>The interface state in bits 7:6 of the KCS status register (IPMI 2.0 §9.7, Table 9-2).</summary>
public enum KcsState : byte
{
    Idle = 0,
    Read = 1,
    Write = 2,
    Error = 3,
}
