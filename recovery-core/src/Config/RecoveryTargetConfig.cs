using System;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Config;

/// <summary>
/// The settings of <c>uefirecovery.mode=recover|auto</c> that describe what this machine accepts and
/// where it goes afterwards: the trusted key hash (the Root of Trust for Update, SP 800-147 2-B), the
/// platform's FMP image type, the stored rollback floor, and the loader to start when the firmware is
/// valid. Keys (full names, exact match):
///   uefirecovery.trust.rsa2048 = 64 hex digits: SHA-256 of a trusted RSA-2048 modulus (up to 4, one per entry)
///   uefirecovery.image-type    = GUID: the FMP ImageTypeId the machine asks for and accepts
///   uefirecovery.lsv           = decimal or 0x-hex: stored LowestSupportedVersion (rollback floor)
///   uefirecovery.next          = \EFI\...: loader started when the firmware is valid (mode=auto)
///   uefirecovery.trust.x509    = \path\on\esp.der,sha256=64 hex digits: a PKCS7 root certificate (DER) read
///                                from the app's volume and trusted only when its SHA-256 is the pinned one (up to 2)
///   uefirecovery.trust.manager = 64 hex digits: SHA-256 of a manager's RSA-2048 signing modulus (up to 4); with
///                                any, only offers signed by one of them are taken (docs/protocol.md §6.8)
///   uefirecovery.trust.instruction = 64 hex digits: SHA-256 of a manager's RSA-2048 instruction modulus (up to 4);
///                                only an instruction signed by one of them makes the app recover a valid region
///                                (docs/protocol.md §4.11)
/// Allocated once; applying allocates nothing.
/// </summary>
public sealed class RecoveryTargetConfig
{
    public const string TrustRsa2048Key = "uefirecovery.trust.rsa2048";
    public const string ImageTypeKey = "uefirecovery.image-type";
    public const string LowestSupportedVersionKey = "uefirecovery.lsv";
    public const string NextLoaderKey = "uefirecovery.next";
    public const string TrustX509Key = "uefirecovery.trust.x509";
    public const string TrustManagerKey = "uefirecovery.trust.manager";
    public const string TrustInstructionKey = "uefirecovery.trust.instruction";

    public const int MaxTrustedKeys = KeyHashList.Capacity;
    public const int KeyHashLength = KeyHashList.HashLength;
    public const int MaxNextLoaderLength = 128;
    public const int MaxRootCertificates = 2;
    public const int MaxCertificatePathLength = 96;

    /// <summary>Largest root certificate file accepted (DER); a CA certificate is typically 0.8..2 KiB.</summary>
    public const int MaxCertificateBytes = 4096;

    private readonly KeyHashList _capsuleKeys = new("more than 4 trusted keys", "not 64 hex digits (SHA-256 of the RSA modulus)");
    private readonly KeyHashList _managerKeys = new("more than 4 manager keys", "not 64 hex digits (SHA-256 of the manager's RSA modulus)");
    private readonly char[] _nextLoader = new char[MaxNextLoaderLength];
    private int _nextLoaderLength;
    private readonly char[] _certificatePaths = new char[MaxRootCertificates * MaxCertificatePathLength];
    private readonly int[] _certificatePathLengths = new int[MaxRootCertificates];
    private readonly byte[] _certificateHashes = new byte[MaxRootCertificates * KeyHashLength];

    /// <summary>Number of <c>uefirecovery.trust.x509</c> entries (path and pinned SHA-256).</summary>
    public int RootCertificateCount { get; private set; }

    public ReadOnlySpan<char> GetRootCertificatePath(int index) =>
        index < 0 || index >= RootCertificateCount ? default
            : new ReadOnlySpan<char>(_certificatePaths, index * MaxCertificatePathLength, _certificatePathLengths[index]);

    /// <summary>The SHA-256 the certificate file must have (over its DER bytes).</summary>
    public ReadOnlySpan<byte> GetRootCertificateHash(int index) =>
        index < 0 || index >= RootCertificateCount ? default : new ReadOnlySpan<byte>(_certificateHashes, index * KeyHashLength, KeyHashLength);

    public int TrustedKeyCount => _capsuleKeys.Count;

    /// <summary>The configured image type; zero when unset (then nothing can be accepted).</summary>
    public EfiGuid ImageType { get; private set; }

    public uint LowestSupportedVersion { get; private set; }

    public ReadOnlySpan<char> NextLoader => new ReadOnlySpan<char>(_nextLoader, 0, _nextLoaderLength);

    /// <summary>Manager signing keys (<c>uefirecovery.trust.manager</c>): with any, only signed offers are taken.</summary>
    public int TrustedManagerKeyCount => _managerKeys.Count;

    public ReadOnlySpan<byte> GetTrustedManagerKeyHash(int index) => _managerKeys.Get(index);

    public ReadOnlySpan<byte> GetTrustedKeyHash(int index) => _capsuleKeys.Get(index);

    /// <summary>
    /// Instruction keys (<c>uefirecovery.trust.instruction</c>): only a RECOVERY_INSTRUCTION signed by one of them
    /// makes the app recover a region that is valid (docs/protocol.md §4.11). None: instructions are refused.
    /// </summary>
    public KeyHashList InstructionKeys { get; } = new("more than 4 instruction keys", "not 64 hex digits (SHA-256 of the instruction key's RSA modulus)");

    /// <summary>Applies one setting; nothing changes unless it returns true. <paramref name="reason"/> says why not.</summary>
    public bool TryApply(ReadOnlySpan<char> key, ReadOnlySpan<char> value, out string reason)
    {
        if (ConfigKeyNames.TextEquals(key, TrustRsa2048Key))
        {
            return _capsuleKeys.TryAdd(value, out reason);
        }
        if (ConfigKeyNames.TextEquals(key, TrustManagerKey))
        {
            return _managerKeys.TryAdd(value, out reason);
        }
        if (ConfigKeyNames.TextEquals(key, TrustInstructionKey))
        {
            return InstructionKeys.TryAdd(value, out reason);
        }
        if (ConfigKeyNames.TextEquals(key, ImageTypeKey))
        {
            if (!EfiGuid.TryParse(value, out EfiGuid guid) || guid.IsZero)
            {
                reason = "not a nonzero GUID (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)";
                return false;
            }
            ImageType = guid;
            reason = "";
            return true;
        }
        if (ConfigKeyNames.TextEquals(key, LowestSupportedVersionKey))
        {
            if (!TryParseNumber(value, out uint version))
            {
                reason = "not a 32-bit number (decimal or 0x hex)";
                return false;
            }
            LowestSupportedVersion = version;
            reason = "";
            return true;
        }
        if (ConfigKeyNames.TextEquals(key, NextLoaderKey))
        {
            if (value.IsEmpty || value.Length > MaxNextLoaderLength || value[0] != '\\')
            {
                reason = "not a path starting with '\\' of at most 128 characters";
                return false;
            }
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] < ' ' || value[i] > '~')
                {
                    reason = "path has characters outside printable ASCII";
                    return false;
                }
            }
            value.CopyTo(_nextLoader);
            _nextLoaderLength = value.Length;
            reason = "";
            return true;
        }
        if (ConfigKeyNames.TextEquals(key, TrustX509Key))
        {
            return TryAddRootCertificate(value, out reason);
        }
        reason = "not a recovery target key";
        return false;
    }

    // "\path,sha256=<64 hex>": the file on the ESP is OS-writable, so it is trusted only through the pin,
    // which comes from the same protected source as this entry (ConfigKeyNames.IsProtected).
    private bool TryAddRootCertificate(ReadOnlySpan<char> value, out string reason)
    {
        if (RootCertificateCount == MaxRootCertificates)
        {
            reason = "more than 2 root certificates";
            return false;
        }
        int comma = ConfigValueParser.IndexOf(value, ',');
        const string pinPrefix = "sha256=";
        if (comma < 0 || !ConfigKeyNames.StartsWith(value.Slice(comma + 1), pinPrefix))
        {
            reason = "expected \\path,sha256=<64 hex digits>";
            return false;
        }
        ReadOnlySpan<char> path = value.Slice(0, comma);
        if (path.Length < 2 || path.Length > MaxCertificatePathLength || path[0] != '\\')
        {
            reason = "path does not start with '\\' or is longer than 96 characters";
            return false;
        }
        if (!ConfigValueParser.IsPlainEspPath(path))
        {
            reason = "path has spaces, '/', '..' or characters outside printable ASCII";
            return false;
        }
        Span<byte> hash = stackalloc byte[KeyHashLength];
        if (!TryParseHex(value.Slice(comma + 1 + pinPrefix.Length), hash))
        {
            reason = "sha256 is not 64 hex digits";
            return false;
        }
        path.CopyTo(new Span<char>(_certificatePaths, RootCertificateCount * MaxCertificatePathLength, MaxCertificatePathLength));
        _certificatePathLengths[RootCertificateCount] = path.Length;
        hash.CopyTo(new Span<byte>(_certificateHashes, RootCertificateCount * KeyHashLength, KeyHashLength));
        RootCertificateCount++;
        reason = "";
        return true;
    }

    /// <summary>Exactly destination.Length * 2 hex digits (either case).</summary>
    public static bool TryParseHex(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (text.Length != destination.Length * 2)
        {
            return false;
        }
        for (int i = 0; i < destination.Length; i++)
        {
            int high = HexValue(text[2 * i]);
            int low = HexValue(text[2 * i + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }
            destination[i] = (byte)((high << 4) | low);
        }
        return true;
    }

    /// <summary>Decimal, or hex with a 0x prefix; at most 32 bits.</summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        bool hex = text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        ReadOnlySpan<char> digits = hex ? text.Slice(2) : text;
        if (digits.IsEmpty || digits.Length > (hex ? 8 : 10))
        {
            return false;
        }
        ulong accumulated = 0;
        for (int i = 0; i < digits.Length; i++)
        {
            int digit = hex ? HexValue(digits[i]) : (digits[i] >= '0' && digits[i] <= '9' ? digits[i] - '0' : -1);
            if (digit < 0)
            {
                return false;
            }
            accumulated = accumulated * (hex ? 16u : 10u) + (uint)digit;
        }
        if (accumulated > uint.MaxValue)
        {
            return false;
        }
        value = (uint)accumulated;
        return true;
    }

    private static int HexValue(char c)
    {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
