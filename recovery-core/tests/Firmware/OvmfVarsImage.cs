using System;
using System.IO;
using System.Reflection;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// The real OVMF_VARS_4M.fd (Debian ovmf 2022.11-6+deb12u2) from ../shared/vectors/edk2-capsules/inputs,
/// read at run time (never copied into the repo). Each call returns a fresh copy to corrupt.
/// </summary>
internal static class OvmfVarsImage
{
    public const int Length = 0x84000;

    private static readonly Lazy<byte[]> Pristine = new(() => File.ReadAllBytes(PathOf()));

    public static byte[] Fresh() => (byte[])Pristine.Value.Clone();

    private static string PathOf()
    {
        foreach (AssemblyMetadataAttribute attribute in typeof(OvmfVarsImage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "SharedDir" && attribute.Value is not null)
            {
                return Path.Combine(attribute.Value, "vectors", "edk2-capsules", "inputs", "OVMF_VARS_4M.fd");
            }
        }
        throw new InvalidOperationException("SharedDir assembly metadata missing (tests.props)");
    }

    /// <summary>Recomputes the FV header checksum after a test changed a header field on purpose.</summary>
    public static void FixChecksum(byte[] image)
    {
        int headerLength = image[48] | (image[49] << 8);
        image[50] = 0;
        image[51] = 0;
        ushort sum = UefiRecovery.Core.Firmware.FvHeader.Sum16(image.AsSpan(0, headerLength));
        ushort checksum = (ushort)(0x10000 - sum);
        image[50] = (byte)checksum;
        image[51] = (byte)(checksum >> 8);
    }
}
