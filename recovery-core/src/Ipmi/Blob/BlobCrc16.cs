using System;

namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>
/// The CRC of the BLOB protocol (phosphor-ipmi-blobs): CRC-16-CCITT, polynomial 1021h, not reflected, no final
/// XOR. OpenBMC's reference runs the augmented form from FFFFh (two extra zero bytes); the same value comes from
/// the direct form started at 1D0Fh, which is what this computes ("123456789" gives E5CCh).
/// </summary>
public static class BlobCrc16
{
    public const ushort InitialValue = 0x1D0F;
    private const ushort Polynomial = 0x1021;

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        int crc = InitialValue;
        for (int i = 0; i < data.Length; i++)
        {
            crc ^= data[i] << 8;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ Polynomial : crc << 1;
            crc &= 0xFFFF;
        }
        return (ushort)crc;
    }
}
