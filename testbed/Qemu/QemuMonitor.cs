using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// QEMU's human monitor on a Unix socket, for what a person does to a running machine: plug a device in
/// (<c>device_add</c>). <see cref="Arguments"/> go on QEMU's command line; <see cref="RunAsync"/> sends one command and
/// returns what the monitor printed before its next prompt.
/// </summary>
public sealed class QemuMonitor
{
    private const string Prompt = "(qemu) ";

    /// <summary>A socket path short enough for sun_path (108 bytes), unlike a test's run folder.</summary>
    public QemuMonitor() => SocketPath = Path.Combine(Path.GetTempPath(), "qmon-" + Guid.NewGuid().ToString("N")[..12] + ".sock");

    public string SocketPath { get; }

    public string[] Arguments => new[] { "-monitor", "unix:" + SocketPath + ",server=on,wait=off" };

    public async Task<string> RunAsync(string command, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancel.Token).ConfigureAwait(false);
        await ReadToPromptAsync(socket, cancel.Token).ConfigureAwait(false);
        await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None, cancel.Token).ConfigureAwait(false);
        string answer = await ReadToPromptAsync(socket, cancel.Token).ConfigureAwait(false);
        // The monitor echoes the command line first; what follows it is the answer.
        int echoEnd = answer.IndexOf('\n');
        return (echoEnd < 0 ? "" : answer[(echoEnd + 1)..]).Trim();
    }

    private static async Task<string> ReadToPromptAsync(Socket socket, CancellationToken cancel)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().EndsWith(Prompt, StringComparison.Ordinal))
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false);
            if (read == 0)
                throw new IOException("QEMU's monitor closed the connection; it printed: " + text);
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return text.ToString(0, text.Length - Prompt.Length);
    }
}
