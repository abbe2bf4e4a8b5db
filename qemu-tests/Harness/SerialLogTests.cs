using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

public sealed class SerialLogTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "seriallog-" + Guid.NewGuid().ToString("N") + ".log");
    private readonly SerialLog _log;

    public SerialLogTests() => _log = new SerialLog(_path, () => TimeSpan.Zero);

    public void Dispose()
    {
        _log.Dispose();
        File.Delete(_path);
    }

    [Fact]
    public void Append_ChunksWithOvmfEscapes_CleanLinesInLogAndFile()
    {
        // Bytes as OVMF's terminal driver sends them (captured from this test bed's own runs).
        _log.Append("\x1B[2J\x1B[01;01H\x1B[=3h\x1B[2J\x1B[01;01HBdsDxe: loading Boot0003\r".AsSpan());
        _log.Append("\n\x1B[1m\x1B[33m\x1B[40mMapping ta".AsSpan());
        _log.Append("ble\x1B[0m\x1B[37m\x1B[40m\r\n".AsSpan());

        Assert.Equal(new[] { "BdsDxe: loading Boot0003", "Mapping table" }, _log.Lines.Select(l => l.Text).ToArray());
        Assert.Equal("[   0.00s] BdsDxe: loading Boot0003\n[   0.00s] Mapping table\n", File.ReadAllText(_path));
    }

    [Fact]
    public async Task WaitForLineAsync_LineArrivesLater_ReturnsIt()
    {
        Task<SerialLine?> waiting = _log.WaitForLineAsync(new Regex("^ready$"), TimeSpan.FromSeconds(30));
        Assert.False(waiting.IsCompleted);

        _log.Append("not yet\nready\n".AsSpan());

        SerialLine? line = await waiting;
        Assert.NotNull(line);
        Assert.Equal(2, line.Number);
    }

    [Fact]
    public async Task WaitForLineAsync_AlreadyReceived_ReturnsAtOnce()
    {
        _log.Append("ready\n".AsSpan());

        Assert.Equal("ready", (await _log.WaitForLineAsync("^ready$", TimeSpan.FromSeconds(30)))?.Text);
    }

    [Fact]
    public async Task WaitForLineAsync_ConsoleClosesFirst_ReturnsNullAndFlushesPartialLine()
    {
        Task<SerialLine?> waiting = _log.WaitForLineAsync("^never$", TimeSpan.FromSeconds(30));

        _log.Append("Shell> ".AsSpan());
        _log.Complete();

        Assert.Null(await waiting);
        Assert.Equal("Shell>", _log.Lines[^1].Text);
    }

    [Fact]
    public async Task WaitForLineAsync_TimeoutPasses_ReturnsNull()
    {
        Assert.Null(await _log.WaitForLineAsync("^never$", TimeSpan.FromMilliseconds(50)));
    }
}
