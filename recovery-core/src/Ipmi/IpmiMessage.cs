using System;

namespace UefiRecovery.Core.Ipmi;

/// <summary>
/// The system-interface message layout (IPMI 2.0 §9.3): a request is netfn&lt;&lt;2 | lun, cmd, data; the
/// response is (netfn+1)&lt;&lt;2 | lun, cmd, completion code, data. No addresses or checksums on KCS.
/// </summary>
public static class IpmiMessage
{
    public const int RequestHeaderBytes = 2;
    public const int ResponseHeaderBytes = 3;

    /// <summary>Writes a request into <paramref name="destination"/>; false, nothing written, when it does not fit.</summary>
    public static bool TryEncodeRequest(byte netFn, byte command, ReadOnlySpan<byte> data, Span<byte> destination, out int length)
    {
        length = 0;
        if (netFn > 0x3F || data.Length > destination.Length - RequestHeaderBytes)
            return false;
        destination[0] = (byte)(netFn << 2);
        destination[1] = command;
        data.CopyTo(destination.Slice(RequestHeaderBytes));
        length = RequestHeaderBytes + data.Length;
        return true;
    }

    /// <summary>
    /// Checks that <paramref name="response"/> answers (netFn, command) and splits off the completion code and
    /// the data. False when it is shorter than its header or answers another request.
    /// </summary>
    public static bool TryDecodeResponse(byte netFn, byte command, ReadOnlySpan<byte> response, out byte completionCode, out ReadOnlySpan<byte> data)
    {
        completionCode = 0;
        data = default;
        if (response.Length < ResponseHeaderBytes || response[0] >> 2 != (netFn | 1) || response[1] != command)
            return false;
        completionCode = response[2];
        data = response.Slice(ResponseHeaderBytes);
        return true;
    }
}
