using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// The recovery figures' HTTP row (issue #18): one recovery of a NIC setup from <c>uefirecovery.source=</c>
/// <see cref="RecoveryFiguresLab.HttpUrl"/> (the lab's <c>python3 -m http.server</c>, the same capsule file as TFTP),
/// on the lab's tap, no manager. The rate is the app's own (<c>RECOVERY SOURCE http ... read bytes= ms=</c>: connect
/// to the body's end on its 10 ms tick clock) and, from tcpdump on the tap, the host's (the app's SYN to its ACK of
/// the server's last byte). The recovery counts only when it is byte-exact, like the broadcast one.
/// </summary>
internal static class HttpRecoveryFigure
{
    private static readonly Regex Done = new("^RECOVERY DONE verdict=recovered reason=none$");
    private static readonly Regex Written = new(@"^RECOVERY WRITE recovery=recovered result=success ");

    public static async Task<Run> RunAsync(RecoveryFiguresLab lab, NicModel model, string directory, string interruptedTemplate, byte[] payload, int capsuleBytes)
    {
        string runDirectory = Directory.CreateDirectory(Path.Combine(directory, "5-http")).FullName;
        string pcap = Path.Combine(runDirectory, "tap.pcap");
        NamespaceProcess tcpdump = await lab.StartCaptureAsync(pcap);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: true),
            RunDirectory = Path.Combine(runDirectory, "vm"),
            Nic = NicSetup.Tap(lab.Tap, model),
            MacAddress = QemuMachineOptions.DefaultMacAddress,
            NetworkNamespace = lab.Namespace.Name,
            OemStrings = E2eRecoveryLab.SourceOemStrings(
                $"uefirecovery.ip={RecoveryFiguresLab.RecoveryMachineAddress}/24", "uefirecovery.source=" + RecoveryFiguresLab.HttpUrl),
            Timeout = TimeSpan.FromMinutes(10),
            VarsTemplatePath = interruptedTemplate,
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        List<CapturedFrame> frames = await RecoveryFiguresLab.StopAndReadAsync(tcpdump, pcap);
        HttpCaptureTimer wire = HttpCaptureTimer.Analyze(frames, RecoveryFiguresLab.Address(RecoveryFiguresLab.RecoveryMachineAddress),
            RecoveryFiguresLab.Address(RecoveryFiguresLab.HostAddress), RecoveryFiguresLab.HttpPort);
        Regex readLine = SourceReadLines.Http(RecoveryFiguresLab.HttpUrl, capsuleBytes);
        SerialLine? read = serial.Find(readLine);
        long ms = read != null ? long.Parse(readLine.Match(read.Text).Groups["ms"].Value, CultureInfo.InvariantCulture) : -1;
        bool byteExact = File.Exists(exit.VarsPath) && File.ReadAllBytes(exit.VarsPath).AsSpan().SequenceEqual(payload);
        bool exitSuccess = exit.TryGetDebugExitValue(out int value) && value == EfiAppConsole.ExitSuccess;
        return new Run(capsuleBytes, ms, wire, serial.Find(EfiAppConsole.Banner)?.Elapsed.TotalSeconds, serial.Find(Written)?.Elapsed.TotalSeconds,
            serial.Find(Done) != null, exitSuccess, byteExact, exit);
    }

    /// <summary>One HTTP recovery: the app's figure (<see cref="AppMs"/> -1: no read line), the tap's, and whether it recovered.</summary>
    public sealed record Run(int Bytes, long AppMs, HttpCaptureTimer Wire, double? AppStart, double? Written, bool Done, bool ExitSuccess, bool ByteExact, QemuExit Exit)
    {
        public bool Read => AppMs >= 0;

        /// <summary>MB/s (10^6 bytes) by the app's clock; NaN without a read line or with ms=0 (under one tick).</summary>
        public double AppMegabytesPerSecond => AppMs > 0 ? Bytes / (AppMs / 1000.0) / 1e6 : double.NaN;

        /// <summary>MB/s of the server's bytes (head and body) from the app's SYN to its last ACK, by the tap's clock.</summary>
        public double WireMegabytesPerSecond => Wire.Complete ? Wire.ServerBytes / Wire.SynToFinalAckSeconds / 1e6 : double.NaN;

        public string Describe()
        {
            string app = Read
                ? F("app: {0} bytes in {1} ms = {2:F2} MB/s (connect, ARP included, to the body's end; 10 ms ticks)", Bytes, AppMs, AppMegabytesPerSecond)
                : "app: NO 'RECOVERY SOURCE http ... read' line";
            string wire = Wire.Complete
                ? F("tap: SYN -> ACK of the last byte {0:F3} s = {1:F2} MB/s ({2} server bytes incl. the response head, first data -> last ACK {3:F3} s, {4} repeated segments; {5})",
                    Wire.SynToFinalAckSeconds, WireMegabytesPerSecond, Wire.ServerBytes, Wire.FirstDataToFinalAckSeconds, Wire.RepeatedSegments,
                    Wire.ArpRequestMicroseconds != 0 ? F("the app's ARP request -> its SYN {0:F3} s", (Wire.SynMicroseconds - Wire.ArpRequestMicroseconds) / 1e6) : "no ARP request before the SYN")
                : F("tap: transfer not complete in the capture (SYN {0}, server FIN {1}, final ACK {2})",
                    Wire.SynMicroseconds != 0 ? "seen" : "missing", Wire.ServerFinished ? "seen" : "missing", Wire.FinalAckMicroseconds != 0 ? "seen" : "missing");
            string written = AppStart != null && Written != null ? F("app start -> flash written {0:F2} s", Written - AppStart) : "app start -> flash written: not measured";
            return F("HTTP source ({0}, python3 -m http.server on the host): {1}; {2}; {3}{4}{5}", RecoveryFiguresLab.HttpUrl, app, wire, written,
                ByteExact ? "; flash == payload byte for byte" : "; FLASH DIFFERS", Done && ExitSuccess ? ", recovered" : ", NOT recovered");
        }

        /// <summary>What is wrong with this run (empty: recovered byte for byte from the whole capsule).</summary>
        public IEnumerable<string> Failures(string where)
        {
            if (!Read)
                yield return $"{where}: no 'RECOVERY SOURCE http url={RecoveryFiguresLab.HttpUrl} read bytes={Bytes} ...' line\n{Exit.Describe()}";
            if (!Done || !ExitSuccess)
                yield return $"{where}: no 'RECOVERY DONE verdict=recovered reason=none' with the success exit\n{Exit.Summary}";
            if (!ByteExact)
                yield return $"{where}: the vars file differs from the capsule payload after the recovery";
        }
    }

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
