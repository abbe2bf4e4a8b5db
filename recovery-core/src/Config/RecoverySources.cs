using System;
using UefiRecovery.Core.Http;

namespace UefiRecovery.Core.Config;

/// <summary>
/// <c>uefirecovery.source</c>, repeated up to <see cref="Capacity"/> times: the places recovery tries, in the order
/// given (issue #18). <c>donors</c> is the recovery protocol; <c>file:\path\image.cap</c> a capsule file looked up on
/// every Simple File System volume (the ESP, a USB stick); <c>bmc</c> the image the BMC holds as blob
/// <c>/recovery/image</c>, read over IPMI BLOB (docs/bmc.md); <c>http://A.B.C.D[:port]/path</c> a capsule on a web
/// server (docs/http-source.md). Without any entry: <c>donors</c> alone. Donors, when listed,
/// come last: they wait for a manager until <c>uefirecovery.timeout.recovery</c>. A protected key
/// (it decides what is fetched); every source's image goes through the same verification and write.
/// Allocated once; adding allocates nothing.
/// </summary>
public sealed class RecoverySources
{
    public const int Capacity = 4;
    public const int MaxPathLength = 128;
    public const string DonorsText = "donors";
    public const string BmcText = "bmc";
    public const string FilePrefix = "file:";

    private readonly RecoverySourceKind[] _kinds = new RecoverySourceKind[Capacity];
    private readonly char[] _paths = new char[Capacity * MaxPathLength];
    private readonly int[] _pathLengths = new int[Capacity];

    /// <summary>Configured entries; 0 means the default (donors alone, see <see cref="Count"/>).</summary>
    public int Configured { get; private set; }

    /// <summary>Sources to try: the configured ones, or the default one.</summary>
    public int Count => Configured == 0 ? 1 : Configured;

    public RecoverySourceKind GetKind(int index) =>
        Configured == 0 ? (index == 0 ? RecoverySourceKind.Donors : RecoverySourceKind.None)
            : index >= 0 && index < Configured ? _kinds[index] : RecoverySourceKind.None;

    /// <summary>The file path of a <see cref="RecoverySourceKind.File"/> entry ("\dir\image.cap"), the whole URL of an
    /// <see cref="RecoverySourceKind.Http"/> one ("http://10.0.0.1/fw.cap"); empty otherwise.</summary>
    public ReadOnlySpan<char> GetPath(int index) =>
        index >= 0 && index < Configured ? new ReadOnlySpan<char>(_paths, index * MaxPathLength, _pathLengths[index]) : default;

    /// <summary>Parses and adds one entry; nothing changes unless it returns true.</summary>
    public bool TryAdd(ReadOnlySpan<char> value, out string reason)
    {
        if (Configured == Capacity)
        {
            reason = "more than 4 sources";
            return false;
        }
        if (Configured > 0 && _kinds[Configured - 1] == RecoverySourceKind.Donors)
        {
            // Donors wait for a manager until uefirecovery.timeout.recovery: nothing after them would be reached.
            reason = "donors must be the last source";
            return false;
        }
        if (ConfigKeyNames.TextEquals(value, DonorsText))
        {
            _kinds[Configured] = RecoverySourceKind.Donors;
            _pathLengths[Configured] = 0;
            Configured++;
            reason = "";
            return true;
        }
        if (ConfigKeyNames.TextEquals(value, BmcText))
        {
            _kinds[Configured] = RecoverySourceKind.Bmc;
            _pathLengths[Configured] = 0;
            Configured++;
            reason = "";
            return true;
        }
        if (ConfigKeyNames.StartsWith(value, HttpUrl.Prefix) || ConfigKeyNames.StartsWith(value, HttpUrl.TlsPrefix))
            return TryAddHttp(value, out reason);
        if (!ConfigKeyNames.StartsWith(value, FilePrefix))
        {
            reason = "not donors, bmc, file:\\path or http://host/path";
            return false;
        }
        ReadOnlySpan<char> path = value.Slice(FilePrefix.Length);
        if (path.Length < 2 || path.Length > MaxPathLength || path[0] != '\\')
        {
            reason = "file path does not start with '\\' or is longer than 128 characters";
            return false;
        }
        if (!ConfigValueParser.IsPlainEspPath(path))
        {
            reason = "file path has spaces, '/', '..' or characters outside printable ASCII";
            return false;
        }
        path.CopyTo(new Span<char>(_paths, Configured * MaxPathLength, MaxPathLength));
        _pathLengths[Configured] = path.Length;
        _kinds[Configured] = RecoverySourceKind.File;
        Configured++;
        reason = "";
        return true;
    }

    private bool TryAddHttp(ReadOnlySpan<char> url, out string reason)
    {
        if (url.Length > MaxPathLength)
        {
            reason = "URL longer than 128 characters";
            return false;
        }
        if (!HttpUrl.TryParse(url, out _, out _, out _, out reason)) return false;
        url.CopyTo(new Span<char>(_paths, Configured * MaxPathLength, MaxPathLength));
        _pathLengths[Configured] = url.Length;
        _kinds[Configured] = RecoverySourceKind.Http;
        Configured++;
        return true;
    }
}
