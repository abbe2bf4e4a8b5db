namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// EFI_STATUS (UEFI 2.10 §2.3.1, Appendix D): a UINTN whose high bit marks an error. Values with the
/// high bit clear and non-zero are warnings; zero is success. Used directly as the return type of the
/// raw function pointers: an 8-byte struct is returned in RAX under the Microsoft x64 ABI, exactly
/// like the UINTN the firmware returns.
/// </summary>
public readonly struct EfiStatus
{
    /// <summary>The high bit of a UINTN on x64 (Appendix D, "EFI_STATUS Error Codes").</summary>
    public const ulong ErrorBit = 0x8000_0000_0000_0000;

    public readonly nuint Value;

    public EfiStatus(nuint value) => Value = value;

    public bool IsSuccess => Value == 0;
    public bool IsError => ((ulong)Value & ErrorBit) != 0;
    public bool IsWarning => Value != 0 && !IsError;

    /// <summary>The code without the error bit: 14 for both EFI_NOT_FOUND and nothing else.</summary>
    public ulong Code => (ulong)Value & ~ErrorBit;

    public bool Equals(EfiStatus other) => Value == other.Value;
    public override bool Equals(object? obj) => obj is EfiStatus other && other.Value == Value;
    public override int GetHashCode() => (int)((ulong)Value ^ ((ulong)Value >> 32));
    public static bool operator ==(EfiStatus left, EfiStatus right) => left.Value == right.Value;
    public static bool operator !=(EfiStatus left, EfiStatus right) => left.Value != right.Value;

    private static EfiStatus Error(uint code) => new((nuint)(ErrorBit | code));
    private static EfiStatus Warning(uint code) => new((nuint)code);

    // Appendix D, Table D.1: success.
    public static EfiStatus Success => new(0);

    // Appendix D, Table D.3: error codes (high bit set).
    public static EfiStatus LoadError => Error(1);
    public static EfiStatus InvalidParameter => Error(2);
    public static EfiStatus Unsupported => Error(3);
    public static EfiStatus BadBufferSize => Error(4);
    public static EfiStatus BufferTooSmall => Error(5);
    public static EfiStatus NotReady => Error(6);
    public static EfiStatus DeviceError => Error(7);
    public static EfiStatus WriteProtected => Error(8);
    public static EfiStatus OutOfResources => Error(9);
    public static EfiStatus VolumeCorrupted => Error(10);
    public static EfiStatus VolumeFull => Error(11);
    public static EfiStatus NoMedia => Error(12);
    public static EfiStatus MediaChanged => Error(13);
    public static EfiStatus NotFound => Error(14);
    public static EfiStatus AccessDenied => Error(15);
    public static EfiStatus NoResponse => Error(16);
    public static EfiStatus NoMapping => Error(17);
    public static EfiStatus Timeout => Error(18);
    public static EfiStatus NotStarted => Error(19);
    public static EfiStatus AlreadyStarted => Error(20);
    public static EfiStatus Aborted => Error(21);
    public static EfiStatus IcmpError => Error(22);
    public static EfiStatus TftpError => Error(23);
    public static EfiStatus ProtocolError => Error(24);
    public static EfiStatus IncompatibleVersion => Error(25);
    public static EfiStatus SecurityViolation => Error(26);
    public static EfiStatus CrcError => Error(27);
    public static EfiStatus EndOfMedia => Error(28);
    public static EfiStatus EndOfFile => Error(31);
    public static EfiStatus InvalidLanguage => Error(32);
    public static EfiStatus CompromisedData => Error(33);
    public static EfiStatus IpAddressConflict => Error(34);
    public static EfiStatus HttpError => Error(35);

    // Appendix D, Table D.4: warning codes (high bit clear).
    public static EfiStatus WarnUnknownGlyph => Warning(1);
    public static EfiStatus WarnDeleteFailure => Warning(2);
    public static EfiStatus WarnWriteFailure => Warning(3);
    public static EfiStatus WarnBufferTooSmall => Warning(4);
    public static EfiStatus WarnStaleData => Warning(5);
    public static EfiStatus WarnFileSystem => Warning(6);
    public static EfiStatus WarnResetRequired => Warning(7);
}
