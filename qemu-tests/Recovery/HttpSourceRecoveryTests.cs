using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Images from a web server (issue #18, HTTP part): <c>uefirecovery.source=http://...</c> fetched by the app's own TCP
/// and HTTP client over OVMF's virtio-net, from real servers in the test's namespace on the machine's bridge. The first
/// source is a server that closes the connection mid-body: a clear skip, nothing written, the next source (Debian's
/// <c>python3 -m http.server</c> with the signed capsule) recovers the region byte for byte.
/// </summary>
public sealed class HttpSourceRecoveryTests
{
    private const string Python = TestWebServers.Python;
    private const int GoodPort = 8080;
    private const int CutPort = 8081;

    /// <summary>Answers every GET with the capsule's real Content-Length, sends half the body and closes.</summary>
    private const string CutServer = @"
import socket, sys
data = open(sys.argv[1], 'rb').read()
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[2], int(sys.argv[3])))
s.listen(4)
while True:
    c, addr = s.accept()
    request = b''
    while b'\r\n\r\n' not in request:
        chunk = c.recv(1024)
        if not chunk: break
        request += chunk
    print('cut-server request from', addr[0], repr(request.split(b'\r\n')[0]), flush=True)
    c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Type: application/octet-stream\r\n\r\n' % len(data))
    c.sendall(data[:len(data) // 2])
    c.close()
";

    /// <summary>Answers every GET with a 302 to a host nobody configured.</summary>
    private const string RedirectServer = @"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(4)
while True:
    c, addr = s.accept()
    request = b''
    while b'\r\n\r\n' not in request:
        chunk = c.recv(1024)
        if not chunk: break
        request += chunk
    print('redirect-server request from', addr[0], flush=True)
    c.sendall(b'HTTP/1.1 302 Found\r\nLocation: http://10.99.99.99/evil.cap\r\nContent-Length: 0\r\n\r\n')
    c.close()
";

    /// <summary>
    /// One server per mode: "stall" sends the headers and 1000 bytes, then nothing (the connection stays open); "excess" sends a Content-Length 100 bytes short of the body it then sends whole; "oversized"
    /// declares 64 MiB; "chunked" sends the capsule in chunks of 1000 bytes (hex size lines, an extension, a trailer).
    /// </summary>
    private const string ModeServer = @"
import socket, sys, time
data = open(sys.argv[1], 'rb').read()
mode = sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[2], int(sys.argv[3])))
s.listen(4)
while True:
    c, addr = s.accept()
    request = b''
    while b'\r\n\r\n' not in request:
        chunk = c.recv(1024)
        if not chunk: break
        request += chunk
    print(mode + '-server request from', addr[0], flush=True)
    if mode == 'excess':
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n' % (len(data) - 100) + data)
    elif mode == 'stall':
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n' % len(data) + data[:1000])
        time.sleep(600)
    elif mode == 'oversized':
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 67108864\r\n\r\n' + data[:4096])
    else:
        c.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
        for i in range(0, len(data), 1000):
            part = data[i:i + 1000]
            c.sendall(b'%x;part=%d\r\n' % (len(part), i // 1000) + part + b'\r\n')
        c.sendall(b'0\r\nX-Served-By: chunked-test\r\n\r\n')
    c.close()
";

    private readonly ITestOutputHelper _output;

    public HttpSourceRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_ServerClosesMidBodyThenPythonHttpServer_FirstSkippedNothingWrittenSecondRecoversByteForByte()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-http");
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        string cutScript = Path.Combine(files.RunDirectory, "cut-server.py");
        File.WriteAllText(cutScript, CutServer);

        using E2eSegment segment = E2eSegment.Create();
        string host = E2eRecoveryLab.HostAddress;
        using NamespaceProcess web = TestWebServers.ServeFile(segment.Namespace, host, GoodPort, files.RunDirectory, "ovmf-vars.cap", capsule);
        string served = Path.Combine(files.RunDirectory, "www", "ovmf-vars.cap");
        using NamespaceProcess cut = segment.Namespace.StartProcess(Python, cutScript, served, host, CutPort.ToString());
        TestWebServers.WaitListening(segment.Namespace, CutPort, cut);

        string cutUrl = $"http://{host}:{CutPort}/ovmf-vars.cap";
        string goodUrl = $"http://{host}:{GoodPort}/ovmf-vars.cap";
        string[] oem = E2eRecoveryLab.SourceOemStrings(
            $"uefirecovery.ip={E2eRecoveryLab.MachineAddress}/24", "uefirecovery.source=" + cutUrl, "uefirecovery.source=" + goodUrl);
        QemuMachine machine = segment.Machine(files.Boot("1-http"), files.BuildEsp(), oem, E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string servers = "\nweb server:\n" + web.Output + "\ncut server:\n" + cut.Output;
        _output.WriteLine(servers);

        SerialLine? skipped = serial.Find(new Regex("^RECOVERY SOURCE http url=" + Regex.Escape(cutUrl) + @" skipped reason=truncated bytes=(\d+) ms=\d+$"));
        BootAssert.NotNull(skipped, exit, "the cut-off download skipped as truncated" + servers);
        int cutBytes = int.Parse(Regex.Match(skipped!.Text, @"bytes=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        BootAssert.True(cutBytes == capsule.Length / 2, exit, $"the truncated body held {cutBytes} bytes, the server sent {capsule.Length / 2}");
        SerialLine? read = serial.Find(SourceReadLines.Http(goodUrl, capsule.Length));
        BootAssert.NotNull(read, exit, "the whole capsule from python's http.server" + servers);
        int firstWrite = serial.IndexOf("^FIRMWARE MARKER state=in-progress");
        BootAssert.True(firstWrite > serial.IndexOf("^RECOVERY SOURCE http url=" + Regex.Escape(goodUrl) + " read"), exit,
            "a write step before the good capsule was read and verified (the truncated one must write nothing)");
        BootAssert.True(serial.IndexOf("^RECOVERY SOURCE http url=" + Regex.Escape(cutUrl) + " rejected") < 0, exit, "the truncated body reached verification");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        Assert.Contains("cut-server request from " + E2eRecoveryLab.MachineAddress + " b'GET /ovmf-vars.cap HTTP/1.1'", cut.Output);
        Assert.Contains("\"GET /ovmf-vars.cap HTTP/1.1\" 200", web.Output);
        _output.WriteLine(skipped.Text);
        _output.WriteLine(read!.Text);
    }

    /// <summary>
    /// The web server on another subnet (10.217.0.2 in a namespace of its own) behind the segment's namespace as a Linux
    /// router, the machine told its gateway by <c>uefirecovery.gateway</c>; nftables in the router's forward hook drops
    /// about 5 % of the TCP packets both ways (loss neither end's TCP is told of: the kernel has no netem).
    /// </summary>
    [RootFact]
    public async Task Recover_ServerBehindRouterWithFivePercentLoss_RecoveredByteForByte()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-http-routed");
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());

        using E2eSegment segment = E2eSegment.Create();
        using NetworkNamespace server = NetworkNamespace.Create("e2ews");
        NetworkNamespace router = segment.Namespace;
        string routerSide = router.DeviceName("rt");
        string serverSide = server.DeviceName("sv");
        router.AddVethPair(routerSide, serverSide, server);
        router.SetAddress(routerSide, "10.217.0.1/24");
        server.SetAddress(serverSide, "10.217.0.2/24");
        server.ExecChecked("ip", "route", "add", "default", "via", "10.217.0.1");
        router.ExecChecked("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // One segment per packet, so a drop in the router takes one segment, not a 64 KiB GSO burst.
        server.ExecChecked("ip", "link", "set", "dev", serverSide, "gso_max_segs", "1");
        router.ExecChecked("nft", "add", "table", "inet", "httploss");
        router.ExecChecked("nft", "add", "chain", "inet", "httploss", "forwarded", "{ type filter hook forward priority 0; }");
        router.ExecChecked("nft", "add", "rule", "inet", "httploss", "forwarded", "meta", "l4proto", "tcp", "numgen", "random", "mod", "100", "<", "5", "counter", "drop");
        using NamespaceProcess web = TestWebServers.ServeFile(server, "10.217.0.2", GoodPort, files.RunDirectory, "ovmf-vars.cap", capsule);

        string url = $"http://10.217.0.2:{GoodPort}/ovmf-vars.cap";
        string[] oem = E2eRecoveryLab.SourceOemStrings(
            $"uefirecovery.ip={E2eRecoveryLab.MachineAddress}/24", "uefirecovery.gateway=" + E2eRecoveryLab.HostAddress, "uefirecovery.source=" + url);
        QemuMachine machine = segment.Machine(files.Boot("1-routed"), files.BuildEsp(), oem, E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string rules = router.ExecChecked("nft", "list", "table", "inet", "httploss").StandardOutput;
        _output.WriteLine("web server:\n" + web.Output + "\n" + rules);

        BootAssert.NotNull(serial.Find(new Regex("^RECOVERY SOURCE http url=" + Regex.Escape(url) + @" connecting server=10\.217\.0\.2:8080 local-port=\d+ via=10\.216\.0\.1$")),
            exit, "the connect through the gateway");
        SerialLine? read = serial.Find(SourceReadLines.Http(url, capsule.Length));
        BootAssert.NotNull(read, exit, "the whole capsule through the router");
        Match dropped = Regex.Match(rules, @"counter packets (\d+)");
        BootAssert.True(dropped.Success && long.Parse(dropped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, exit, "the router dropped nothing:\n" + rules);
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        _output.WriteLine(read!.Text + " (router dropped " + dropped.Groups[1].Value + " TCP packets)");
    }

    /// <summary>
    /// The same TCP/HTTP path over iPXE's SNP (QEMU's option ROMs for virtio-net and e1000) instead of VirtioNetDxe; the
    /// first source redirects to a host nobody configured: not followed, nothing written, the next source recovers.
    /// </summary>
    [RootTheory]
    [InlineData(NicModel.VirtioNetIpxe)]
    [InlineData(NicModel.E1000)]
    public async Task Recover_RedirectThenPythonHttpServerOverIpxeSnp_RedirectRefusedSecondRecovers(NicModel nic)
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-http-" + nic.ToString().ToLowerInvariant());
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        string redirectScript = Path.Combine(files.RunDirectory, "redirect-server.py");
        File.WriteAllText(redirectScript, RedirectServer);

        using E2eSegment segment = E2eSegment.Create();
        string host = E2eRecoveryLab.HostAddress;
        using NamespaceProcess web = TestWebServers.ServeFile(segment.Namespace, host, GoodPort, files.RunDirectory, "ovmf-vars.cap", capsule);
        using NamespaceProcess redirect = segment.Namespace.StartProcess(Python, redirectScript, host, CutPort.ToString());
        TestWebServers.WaitListening(segment.Namespace, CutPort, redirect);

        string redirectUrl = $"http://{host}:{CutPort}/ovmf-vars.cap";
        string goodUrl = $"http://{host}:{GoodPort}/ovmf-vars.cap";
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = files.BuildEsp(),
            RunDirectory = files.Boot("1-" + nic),
            Nic = NicSetup.Tap(segment.Tap, nic),
            NetworkNamespace = segment.Namespace.Name,
            OemStrings = E2eRecoveryLab.SourceOemStrings(
                $"uefirecovery.ip={E2eRecoveryLab.MachineAddress}/24", "uefirecovery.source=" + redirectUrl, "uefirecovery.source=" + goodUrl),
            Timeout = E2eRecoveryLab.MachineTimeout,
            VarsTemplatePath = files.InterruptedVarsPath,
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string servers = "\nweb server:\n" + web.Output + "\nredirect server:\n" + redirect.Output;
        _output.WriteLine(servers);

        SerialLine? refused = serial.Find(new Regex("^RECOVERY SOURCE http url=" + Regex.Escape(redirectUrl)
            + @" skipped reason=redirect-not-followed http-status=302 location=""http://10\.99\.99\.99/evil\.cap"" bytes=0 ms=\d+$"));
        BootAssert.NotNull(refused, exit, "the redirect refused" + servers);
        SerialLine? read = serial.Find(SourceReadLines.Http(goodUrl, capsule.Length));
        BootAssert.NotNull(read, exit, "the whole capsule over iPXE's SNP" + servers);
        BootAssert.True(serial.IndexOf("^FIRMWARE MARKER state=in-progress") > serial.IndexOf("^RECOVERY SOURCE http url=" + Regex.Escape(goodUrl) + " read"), exit,
            "a write step before the good capsule was read");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        _output.WriteLine(refused!.Text);
        _output.WriteLine(read!.Text + " (" + nic + ")");
    }

    /// <summary>
    /// A Content-Length shorter than the body, then a Content-Length far beyond the image buffer: both skipped with their
    /// reason and nothing written; then a chunked response decoded in the firmware and recovered byte for byte.
    /// </summary>
    [RootFact]
    public async Task Recover_WrongLengthThenOversizedThenChunked_FirstTwoSkippedChunkedRecovers()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-http-framing");
        byte[] capsule = WriteModeServerFiles(files);

        using E2eSegment segment = E2eSegment.Create();
        string host = E2eRecoveryLab.HostAddress;
        using NamespaceProcess excess = StartModeServer(segment, files, 8082, "excess");
        using NamespaceProcess oversized = StartModeServer(segment, files, 8083, "oversized");
        using NamespaceProcess chunked = StartModeServer(segment, files, 8084, "chunked");

        string[] urls = { $"http://{host}:8082/ovmf-vars.cap", $"http://{host}:8083/ovmf-vars.cap", $"http://{host}:8084/ovmf-vars.cap" };
        string[] oem = E2eRecoveryLab.SourceOemStrings(
            new[] { $"uefirecovery.ip={E2eRecoveryLab.MachineAddress}/24" }.Concat(urls.Select(u => "uefirecovery.source=" + u)).ToArray());
        QemuMachine machine = segment.Machine(files.Boot("1-framing"), files.BuildEsp(), oem, E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string servers = "\nservers:\n" + excess.Output + oversized.Output + chunked.Output;
        _output.WriteLine(servers);

        SerialLine? tooLong = serial.Find(new Regex("^RECOVERY SOURCE http url=" + Regex.Escape(urls[0]) + " skipped reason=more-than-content-length bytes="
            + (capsule.Length - 100) + @" ms=\d+$"));
        BootAssert.NotNull(tooLong, exit, "the body longer than its Content-Length refused" + servers);
        SerialLine? tooLarge = serial.Find(new Regex("^RECOVERY SOURCE http url=" + Regex.Escape(urls[1]) + @" skipped reason=too-large bytes=0 ms=\d+$"));
        BootAssert.NotNull(tooLarge, exit, "the 64 MiB Content-Length refused before any body byte" + servers);
        SerialLine? read = serial.Find(SourceReadLines.Http(urls[2], capsule.Length, chunked: true));
        BootAssert.NotNull(read, exit, "the chunked capsule decoded" + servers);
        BootAssert.True(serial.IndexOf("^FIRMWARE MARKER state=in-progress") > serial.IndexOf("^RECOVERY SOURCE http url=" + Regex.Escape(urls[2]) + " read"), exit,
            "a write step before the chunked capsule was read");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        _output.WriteLine(tooLong!.Text);
        _output.WriteLine(tooLarge!.Text);
        _output.WriteLine(read!.Text);
    }

    /// <summary>A server that sends 1000 bytes and then nothing, connection open: skipped as stalled after 30 s, then the next source.</summary>
    [RootFact]
    public async Task Recover_ServerStallsThenChunked_StalledSkippedNothingWrittenThenRecovers()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-http-stall");
        byte[] capsule = WriteModeServerFiles(files);

        using E2eSegment segment = E2eSegment.Create();
        string host = E2eRecoveryLab.HostAddress;
        using NamespaceProcess stall = StartModeServer(segment, files, 8085, "stall");
        using NamespaceProcess chunked = StartModeServer(segment, files, 8084, "chunked");

        string stallUrl = $"http://{host}:8085/ovmf-vars.cap";
        string goodUrl = $"http://{host}:8084/ovmf-vars.cap";
        string[] oem = E2eRecoveryLab.SourceOemStrings(
            $"uefirecovery.ip={E2eRecoveryLab.MachineAddress}/24", "uefirecovery.source=" + stallUrl, "uefirecovery.source=" + goodUrl);
        QemuMachine machine = segment.Machine(files.Boot("1-stall"), files.BuildEsp(), oem, E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string servers = "\nservers:\n" + stall.Output + chunked.Output;
        _output.WriteLine(servers);

        // ms: at least the 30 s without a byte (the firmware clock runs slow under load, never fast).
        SerialLine? stalled = serial.Find(new Regex("^RECOVERY SOURCE http url=" + Regex.Escape(stallUrl) + @" skipped reason=stalled bytes=1000 ms=(\d+)$"));
        BootAssert.NotNull(stalled, exit, "the stalled server skipped" + servers);
        SerialLine? read = serial.Find(SourceReadLines.Http(goodUrl, capsule.Length, chunked: true));
        BootAssert.NotNull(read, exit, "the next source's capsule" + servers);
        BootAssert.True(serial.IndexOf("^FIRMWARE MARKER state=in-progress") > serial.IndexOf("^RECOVERY SOURCE http url=" + Regex.Escape(goodUrl) + " read"), exit,
            "a write step before the good capsule was read");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        _output.WriteLine(stalled!.Text);
        _output.WriteLine(read!.Text);
    }

    /// <summary>The run's trusted capsule as ovmf-vars.cap and the <see cref="ModeServer"/> script beside it; the capsule's bytes.</summary>
    private static byte[] WriteModeServerFiles(E2eRecoveryFiles files)
    {
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        File.WriteAllBytes(Path.Combine(files.RunDirectory, "ovmf-vars.cap"), capsule);
        File.WriteAllText(Path.Combine(files.RunDirectory, "mode-server.py"), ModeServer);
        return capsule;
    }

    /// <summary>One <see cref="ModeServer"/> (files from <see cref="WriteModeServerFiles"/>) on the lab's host address, listening when it returns.</summary>
    private static NamespaceProcess StartModeServer(E2eSegment segment, E2eRecoveryFiles files, int port, string mode)
    {
        NamespaceProcess server = segment.Namespace.StartProcess(Python, Path.Combine(files.RunDirectory, "mode-server.py"),
            Path.Combine(files.RunDirectory, "ovmf-vars.cap"), E2eRecoveryLab.HostAddress, port.ToString(System.Globalization.CultureInfo.InvariantCulture), mode);
        try
        {
            TestWebServers.WaitListening(segment.Namespace, port, server);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }
}
