using System;
using System.IO;
using UefiRecovery.Manager.Serving.Results;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

public sealed class ResultLogTests
{
    [Fact]
    public void Append_TwoRecords_EachIsOneJsonLineOnDiskBeforeDispose()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("r.jsonl");
        using var log = new ResultLog(path);
        var record = new ResultRecord(DateTimeOffset.UnixEpoch, "10.0.0.2:5", "02:00:00:00:00:01", 7, "fw.cap", "success", 0, "None", 10, 1);
        log.Append(record);
        log.Append(record with { Outcome = "failure", Code = 2 });

        // Read while the log is still open: every record must already be on disk.
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        string[] lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(record, ResultLog.ParseLine(lines[0]));
        Assert.Equal("failure", ResultLog.ParseLine(lines[1])!.Outcome);
    }
}
