using System;

namespace UefiRecovery.Agent.Efi;

/// <summary>The variable attributes efivarfs carries in a file's first 4 bytes (UEFI 2.10 §8.2).</summary>
[Flags]
internal enum EfiVariableAttributes : uint
{
    NonVolatile = 0x1,
    BootServiceAccess = 0x2,
    RuntimeAccess = 0x4,

    /// <summary>What every variable the agent writes has: kept across resets, readable by the firmware and the OS.</summary>
    NvBsRt = NonVolatile | BootServiceAccess | RuntimeAccess,
}
