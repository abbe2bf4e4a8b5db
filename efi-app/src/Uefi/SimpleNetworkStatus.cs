using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>What SNP GetStatus returned (UEFI 2.10 §24.1.13).</summary>
public readonly unsafe struct SimpleNetworkStatus
{
    public SimpleNetworkStatus(uint interruptStatus, void* recycledTransmitBuffer)
    {
        InterruptStatus = interruptStatus;
        RecycledTransmitBuffer = recycledTransmitBuffer;
    }

    /// <summary><see cref="SimpleNetworkInterrupt"/> bits.</summary>
    public uint InterruptStatus { get; }

    /// <summary>A buffer given to Transmit that the NIC has finished with, or null.</summary>
    public void* RecycledTransmitBuffer { get; }
}
