namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// What the last recovery installed, for the OS to read (the agent reports it when the OS is back, docs/protocol.md
/// §4.13): file <c>\UEFIRECOVERY-INSTALLED.TXT</c> on the app's volume (the ESP), one fixed-length ASCII line
/// <c>UEFIRECOVERY-INSTALLED v1 version=0x%08X instruction=0x%016X region-sha256=&lt;64 hex&gt;</c> + LF (instruction 0:
/// not an instructed boot). Fixed length, so rewriting it in place needs no truncation. The OS can write the ESP: the
/// record informs, it proves nothing (the manager's proof is the RESULT).
/// </summary>
internal static class InstalledRecord
{
    public const string PathText = "\\UEFIRECOVERY-INSTALLED.TXT";
    private const int RecordLength = 155;

    /// <summary>Writes the record; false when the volume or the file cannot be written.</summary>
    public static bool TryWrite(UefiBootServices services, uint version, ulong instructionId, ReadOnlySpan<byte> regionSha256)
    {
        Span<char> text = stackalloc char[RecordLength];
        bool formatted = text.TryWrite($"UEFIRECOVERY-INSTALLED v1 version=0x{version:X8} instruction=0x{instructionId:X16} region-sha256=", out int length);
        for (int i = 0; formatted && i < regionSha256.Length && length + 2 < RecordLength; i++)
        {
            text[length++] = HexDigit(regionSha256[i] >> 4);
            text[length++] = HexDigit(regionSha256[i] & 0xF);
        }
        if (!formatted || length != RecordLength - 1)
            return false;
        text[length] = '\n';
        Span<byte> record = stackalloc byte[RecordLength];
        for (int i = 0; i < RecordLength; i++)
            record[i] = (byte)text[i];

        UefiFile root = BootVolume.OpenRoot(services);
        if (!root.IsOpen)
            return false;
        Span<char> name = stackalloc char[PathText.Length + 1];
        PathText.AsSpan().CopyTo(name);
        name[PathText.Length] = '\0';
        bool ok = root.Open(name, UefiFile.ModeRead | UefiFile.ModeWrite | UefiFile.ModeCreate).TryGetValue(out UefiFile file);
        if (ok)
        {
            ok = file.SetPosition(0).IsSuccess && file.Write(record).TryGetValue(out int written) && written == RecordLength && file.Flush().IsSuccess;
            ok = file.Close().IsSuccess && ok;
        }
        root.Close();
        return ok;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);
}
