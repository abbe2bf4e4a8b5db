namespace UefiRecovery.Efi.Services.Network;

/// <summary>How <see cref="NetworkBringUp.TryConfigureAddress"/> ended.</summary>
internal enum AddressStatus
{
    /// <summary>A static address, or a DHCP lease.</summary>
    Configured,

    /// <summary>No DHCP lease within the wait (a FAIL line was printed).</summary>
    NoLease,

    /// <summary>A key was pressed while waiting for DHCP (only when the caller passed the keyboard).</summary>
    KeyPressed,
}
