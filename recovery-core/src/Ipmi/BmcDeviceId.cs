using System;

namespace UefiRecovery.Core.Ipmi;

/// <summary>The fields of a Get Device ID response (IPMI 2.0 §20.1, Table 20-2) the app prints.</summary>
public readonly struct BmcDeviceId
{
    /// <summary>Device ID … Product ID: 11 data bytes after the completion code (the auxiliary revision is optional).</summary>
    public const int MinimumBytes = 11;

    private BmcDeviceId(byte deviceId, byte firmwareMajor, byte firmwareMinor, byte ipmiVersion, uint manufacturer, ushort product)
    {
        DeviceId = deviceId;
        FirmwareMajor = firmwareMajor;
        FirmwareMinor = firmwareMinor;
        IpmiVersion = ipmiVersion;
        Manufacturer = manufacturer;
        Product = product;
    }

    public byte DeviceId { get; }

    /// <summary>Major firmware revision (bits 6:0 of byte 3).</summary>
    public byte FirmwareMajor { get; }

    /// <summary>Minor firmware revision, BCD.</summary>
    public byte FirmwareMinor { get; }

    /// <summary>IPMI version, BCD with the digits swapped: 02h is 2.0, 51h is 1.5.</summary>
    public byte IpmiVersion { get; }

    /// <summary>IANA enterprise number (20 bits).</summary>
    public uint Manufacturer { get; }

    public ushort Product { get; }

    public static bool TryParse(ReadOnlySpan<byte> data, out BmcDeviceId id)
    {
        id = default;
        if (data.Length < MinimumBytes)
            return false;
        uint manufacturer = (uint)(data[6] | data[7] << 8 | (data[8] & 0x0F) << 16);
        id = new BmcDeviceId(data[0], (byte)(data[2] & 0x7F), data[3], data[4], manufacturer, (ushort)(data[9] | data[10] << 8));
        return true;
    }
}
