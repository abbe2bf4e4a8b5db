#if PORTABLE_CORE
using UefiRecovery.Core.Ipmi;
using UefiRecovery.Core.Ipmi.Blob;

namespace UefiRecovery.Efi.Services.Bmc;

/// <summary>
/// The staged host → BMC transfer (seed 004, docs/bmc.md): the stage list <c>bmc-stage.cfg</c> beside the app names ESP
/// files and the <c>/recovery/</c> blob each goes to; GetCount opens the exchange (start upgrade), then each file in
/// order goes through <see cref="BlobUpload"/> (start file transfer, transmit data × N, end file transfer, acknowledge
/// once stored); the next file only after the previous one's acknowledgement, and the first failure ends the run.
/// Lines:
///   BMC STAGE list=PATH status=absent|refused|unreadable [line=N reason="..."]
///   BMC STAGE status=no-bmc reason="..."
///   BMC STAGE start-upgrade result=ok|failed blobs=N files=N kcs=0x.. [status=.. cc=..]
///   BMC STAGE file=PATH blob=ID bytes=N writes=N polls=N retried=N result=stored|command-failed|not-acknowledged|commit-error|size-mismatch|too-slow [step=.. status=.. cc=..]
///   BMC STAGE file=PATH status=absent|too-large|read-failed
///   BMC STAGE DONE result=ok|fail files=N stored=N kcs-bytes=N
/// </summary>
internal static class BmcStaging
{
    public const string ListFileName = "bmc-stage.cfg";

    /// <summary>The largest file staged: the 528 KiB region image in its capsule, with room to spare.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private const int MaxListBytes = 4096;

    /// <summary>Stat polls after Commit, 100 ms apart: a BMC gets 10 s to store a file and say so.</summary>
    private const int CommitPolls = 100;
    private const int PollIntervalMicroseconds = 100_000;

    /// <summary>Whether the stage list exists beside the app: what makes a recovery stage files afterwards.</summary>
    public static bool ListPresent(UefiBootServices services)
    {
        Span<char> path = stackalloc char[EspConfigFile.MaxPathLength];
        int length = ListPath(services, path);
        Span<byte> probe = stackalloc byte[1];
        EspFileStatus status = EspConfigFile.ReadFile(services, path.Slice(0, length + 1), probe, 0, out _, out _);
        return status != EspFileStatus.Absent && status != EspFileStatus.NoVolume;
    }

    /// <returns>True when every listed file was stored and acknowledged.</returns>
    public static bool Run(UefiSystemTable system)
    {
        UefiConsole console = system.ConsoleOut;
        UefiBootServices services = system.BootServices;
        Span<char> line = stackalloc char[320];
        Span<char> path = stackalloc char[EspConfigFile.MaxPathLength];
        int pathLength = ListPath(services, path);
        ReadOnlySpan<char> listPath = path.Slice(0, pathLength);

        byte[] text = new byte[MaxListBytes + 1];
        EspFileStatus read = EspConfigFile.ReadFile(services, path.Slice(0, pathLength + 1), text, MaxListBytes, out int size, out _);
        if (read != EspFileStatus.Read)
        {
            new ConsoleLine(line).Append("BMC STAGE list=").Append(listPath).Append(" status=")
                .Append(read == EspFileStatus.Absent || read == EspFileStatus.NoVolume ? "absent" : "unreadable").WriteLine(console);
            return Done(console, false, 0, 0, 0);
        }
        var list = new StageList();
        if (!list.TryParse(new ReadOnlySpan<byte>(text, 0, size)))
        {
            new ConsoleLine(line).Append("BMC STAGE list=").Append(listPath).Append(" status=refused line=").AppendDecimal((ulong)list.ErrorLine)
                .Append(" reason=\"").Append(list.ErrorReason).Append("\"").WriteLine(console);
            return Done(console, false, 0, 0, 0);
        }

        IpmiClient? ipmi = BmcConnection.TryOpen(system, out ulong port, out string absentReason, out _);
        if (ipmi == null)
        {
            new ConsoleLine(line).Append("BMC STAGE status=no-bmc reason=\"").Append(absentReason).Append("\"").WriteLine(console);
            return Done(console, false, list.Count, 0, 0);
        }
        var client = new BlobClient(ipmi);

        // Start upgrade: GetCount, the one BLOB command without a session; its answer is the acknowledgement.
        BlobStatus started = client.GetCount(out uint blobs);
        var start = new ConsoleLine(line).Append("BMC STAGE start-upgrade result=").Append(started == BlobStatus.Ok ? "ok" : "failed")
            .Append(" blobs=").AppendDecimal((ulong)blobs).Append(" files=").AppendDecimal((ulong)list.Count).Append(" kcs=").AppendHex(port);
        if (started != BlobStatus.Ok)
            AppendFailure(ref start, client, started);
        start.WriteLine(console);
        if (started != BlobStatus.Ok)
            return Done(console, false, list.Count, 0, ipmi.BytesTransferred);

        byte[] file = new byte[MaxFileBytes + 1];
        var upload = new BlobUpload(client, BlobClient.MaxWriteBytes, CommitPolls, PollIntervalMicroseconds);
        Span<char> filePath = stackalloc char[StageList.MaxPathLength + 1];
        Span<char> idChars = stackalloc char[StageList.MaxBlobIdLength];
        int stored = 0;
        for (int i = 0; i < list.Count; i++)
        {
            ReadOnlySpan<char> name = list.GetPath(i);
            name.CopyTo(filePath);
            filePath[name.Length] = '\0';
            EspFileStatus fileRead = EspConfigFile.ReadFile(services, filePath.Slice(0, name.Length + 1), file, MaxFileBytes, out int fileSize, out _);
            if (fileRead != EspFileStatus.Read)
            {
                new ConsoleLine(line).Append("BMC STAGE file=").Append(name).Append(" status=").Append(FileStatusName(fileRead)).WriteLine(console);
                return Done(console, false, list.Count, stored, ipmi.BytesTransferred);
            }
            int retriedBefore = client.CommandsRetried + ipmi.CommandsRetried;
            BlobUploadStatus result = upload.Send(list.GetBlobId(i), new ReadOnlySpan<byte>(file, 0, fileSize));
            var fileLine = new ConsoleLine(line).Append("BMC STAGE file=").Append(name).Append(" blob=");
            ReadOnlySpan<byte> id = list.GetBlobId(i);
            for (int c = 0; c < id.Length; c++)
                idChars[c] = (char)id[c]; // StageList admits only ASCII ids
            fileLine.Append(idChars.Slice(0, id.Length));
            fileLine.Append(" bytes=").AppendDecimal((ulong)fileSize).Append(" writes=").AppendDecimal((ulong)upload.Writes)
                .Append(" polls=").AppendDecimal((ulong)upload.Polls)
                .Append(" retried=").AppendDecimal((ulong)(client.CommandsRetried + ipmi.CommandsRetried - retriedBefore))
                .Append(" result=").Append(BlobTransferNames.Name(result));
            if (result == BlobUploadStatus.CommandFailed)
            {
                fileLine.Append(" step=").Append(BlobTransferNames.Step(upload.FailedStep));
                AppendFailure(ref fileLine, client, upload.FailedStatus);
            }
            else if (result == BlobUploadStatus.TooSlow)
            {
                fileLine.Append(" step=").Append(BlobTransferNames.Step(upload.FailedStep));
            }
            else if (result != BlobUploadStatus.Stored)
            {
                fileLine.Append(" stored-size=").AppendDecimal((ulong)upload.StoredSize);
            }
            fileLine.WriteLine(console);
            if (result != BlobUploadStatus.Stored)
                return Done(console, false, list.Count, stored, ipmi.BytesTransferred);
            stored++;
        }
        return Done(console, true, list.Count, stored, ipmi.BytesTransferred);
    }

    private static void AppendFailure(ref ConsoleLine line, BlobClient client, BlobStatus status)
    {
        line.Append(" status=").Append(BlobStatusNames.Name(status)).Append(" cc=")
            .Append(status == BlobStatus.CompletionCode ? IpmiCompletionCodeNames.Name(client.LastCompletionCode) : "none");
    }

    private static bool Done(UefiConsole console, bool ok, int files, int stored, long kcsBytes)
    {
        new ConsoleLine(stackalloc char[160]).Append("BMC STAGE DONE result=").Append(ok ? "ok" : "fail").Append(" files=").AppendDecimal((ulong)files)
            .Append(" stored=").AppendDecimal((ulong)stored).Append(" kcs-bytes=").AppendDecimal((ulong)kcsBytes).WriteLine(console);
        return ok;
    }

    private static string FileStatusName(EspFileStatus status) => status switch
    {
        EspFileStatus.Absent => "absent",
        EspFileStatus.NoVolume => "absent",
        EspFileStatus.TooLarge => "too-large",
        _ => "read-failed",
    };

    /// <summary>The stage list's path beside the app, NUL-terminated in <paramref name="path"/>; returns its length without the NUL.</summary>
    private static int ListPath(UefiBootServices services, Span<char> path)
    {
        AppDirectory.TryGet(services, path.Slice(0, path.Length - ListFileName.Length - 1), out int directoryLength);
        ReadOnlySpan<char> fileName = ListFileName;
        fileName.CopyTo(path.Slice(directoryLength));
        int length = directoryLength + fileName.Length;
        path[length] = '\0';
        return length;
    }
}
#endif
