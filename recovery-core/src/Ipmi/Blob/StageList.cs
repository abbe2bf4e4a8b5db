using System;

namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>
/// The stage list (docs/bmc.md): which ESP files go to the BMC and under which blob id, one
/// <c>\path\file /recovery/name</c> per line (space or tab between), <c>#</c> comments and blank lines skipped, at most <see cref="Capacity"/>
/// entries, in the order sent. The file lives on the ESP, which the running OS can write, so it names only files and
/// blob ids under <see cref="BlobPrefix"/> (the BMC's staging area): no <c>uefirecovery.*</c> setting, and no id of a
/// BMC update blob. Allocated once; parsing allocates nothing.
/// </summary>
public sealed class StageList
{
    public const int Capacity = 4;
    public const int MaxPathLength = 128;
    public const int MaxBlobIdLength = 64;
    public const string BlobPrefix = "/recovery/";

    private readonly char[] _paths = new char[Capacity * MaxPathLength];
    private readonly int[] _pathLengths = new int[Capacity];
    private readonly byte[] _ids = new byte[Capacity * MaxBlobIdLength];
    private readonly int[] _idLengths = new int[Capacity];

    public int Count { get; private set; }

    /// <summary>The first refused line (0: none) and why.</summary>
    public int ErrorLine { get; private set; }

    public string ErrorReason { get; private set; } = "";

    public ReadOnlySpan<char> GetPath(int index) => new ReadOnlySpan<char>(_paths, index * MaxPathLength, _pathLengths[index]);

    public ReadOnlySpan<byte> GetBlobId(int index) => new ReadOnlySpan<byte>(_ids, index * MaxBlobIdLength, _idLengths[index]);

    /// <summary>Parses the whole text; false (with <see cref="ErrorLine"/>) when any line is refused, and then no entry is kept.</summary>
    public bool TryParse(ReadOnlySpan<byte> text)
    {
        Count = 0;
        ErrorLine = 0;
        ErrorReason = "";
        int lineNumber = 0;
        while (text.Length > 0)
        {
            lineNumber++;
            int end = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? text : text.Slice(0, end);
            text = end < 0 ? default : text.Slice(end + 1);
            line = Trim(line);
            if (line.Length == 0 || line[0] == (byte)'#')
                continue;
            string reason = AddLine(line);
            if (reason.Length > 0)
            {
                Count = 0;
                ErrorLine = lineNumber;
                ErrorReason = reason;
                return false;
            }
        }
        return true;
    }

    private string AddLine(ReadOnlySpan<byte> line)
    {
        if (Count == Capacity)
            return "more than 4 files";
        int space = 0;
        while (space < line.Length && line[space] != (byte)' ' && line[space] != (byte)'\t')
            space++;
        if (space == line.Length)
            space = -1;
        if (space < 0)
            return "not '\\path\\file /recovery/name'";
        ReadOnlySpan<byte> path = line.Slice(0, space);
        ReadOnlySpan<byte> id = Trim(line.Slice(space + 1));
        if (path.Length < 2 || path.Length > MaxPathLength || path[0] != (byte)'\\')
            return "file path does not start with '\\' or is longer than 128 characters";
        Span<char> chars = new Span<char>(_paths, Count * MaxPathLength, MaxPathLength);
        for (int i = 0; i < path.Length; i++)
            chars[i] = (char)path[i];
        if (!Config.ConfigValueParser.IsPlainEspPath(chars.Slice(0, path.Length)))
            return "file path has spaces, '/', '..' or characters outside printable ASCII";
        if (!IsStagingId(id))
            return "blob id is not /recovery/ and a name of letters, digits, '.', '_' or '-' (at most 64 characters)";
        id.CopyTo(new Span<byte>(_ids, Count * MaxBlobIdLength, MaxBlobIdLength));
        _idLengths[Count] = id.Length;
        _pathLengths[Count] = path.Length;
        Count++;
        return "";
    }

    private static bool IsStagingId(ReadOnlySpan<byte> id)
    {
        if (id.Length <= BlobPrefix.Length || id.Length > MaxBlobIdLength)
            return false;
        for (int i = 0; i < BlobPrefix.Length; i++)
        {
            if (id[i] != (byte)BlobPrefix[i])
                return false;
        }
        for (int i = BlobPrefix.Length; i < id.Length; i++)
        {
            byte c = id[i];
            bool ok = (c >= (byte)'a' && c <= (byte)'z') || (c >= (byte)'A' && c <= (byte)'Z') || (c >= (byte)'0' && c <= (byte)'9')
                || c == (byte)'.' || c == (byte)'_' || c == (byte)'-';
            if (!ok || (c == (byte)'.' && i + 1 < id.Length && id[i + 1] == (byte)'.'))
                return false;
        }
        return true;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && (text[start] == (byte)' ' || text[start] == (byte)'\t'))
            start++;
        while (end > start && (text[end - 1] == (byte)' ' || text[end - 1] == (byte)'\t' || text[end - 1] == (byte)'\r'))
            end--;
        return text.Slice(start, end - start);
    }
}
