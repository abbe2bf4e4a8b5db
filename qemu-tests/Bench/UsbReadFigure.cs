using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Bench;

/// <summary>
/// The recovery figures' USB row (issue #18), once per run: the app recovering from <c>uefirecovery.source=file:</c>
/// on a USB stick (<see cref="UsbStick"/>: FAT, <c>usb-storage</c> on <c>qemu-xhci</c>), no NIC. The rate is the app's
/// <c>RECOVERY SOURCE file ... read ... bytes= ms=</c>: finding the volume, opening and reading the file, on its 10 ms
/// tick clock. The host has no view of the read itself; the serial lines around it (<c>RECOVERY PHASE file</c>, printed
/// just before, and the read line) arrive with the host's clock, which bounds it to the ms. The recovery counts only when
/// it is byte-exact.
/// </summary>
internal static class UsbReadFigure
{
    private const string StickPath = "\\recovery\\ovmf-vars.cap";
    private static readonly Regex Done = new("^RECOVERY DONE verdict=recovered reason=none$");
    private static readonly Regex FilePhase = new("^RECOVERY PHASE file$");

    public static async Task<Run> RunAsync(string runDirectory, string interruptedTemplate, byte[] capsule, byte[] payload)
    {
        string directory = Directory.CreateDirectory(Path.Combine(runDirectory, "usb")).FullName;
        string stick = UsbStick.Build(Path.Combine(directory, "usb-stick.img"), (StickPath, capsule));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = E2eRecoveryLab.BuildEsp(Path.Combine(directory, "esp.img"), interruptedMarker: true),
            RunDirectory = Path.Combine(directory, "vm"),
            Nic = NicSetup.None,
            OemStrings = E2eRecoveryLab.SourceOemStrings("uefirecovery.timeout.volume-wait=0", "uefirecovery.source=file:" + StickPath),
            Timeout = TimeSpan.FromMinutes(10),
            VarsTemplatePath = interruptedTemplate,
            ExtraArguments = UsbStick.PluggedIn(stick),
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        Regex readLine = SourceReadLines.File(StickPath, capsule.Length);
        SerialLine? read = serial.Find(readLine);
        long ms = read != null ? long.Parse(readLine.Match(read.Text).Groups["ms"].Value, CultureInfo.InvariantCulture) : -1;
        bool byteExact = File.Exists(exit.VarsPath) && File.ReadAllBytes(exit.VarsPath).AsSpan().SequenceEqual(payload);
        bool exitSuccess = exit.TryGetDebugExitValue(out int value) && value == EfiAppConsole.ExitSuccess;
        SerialLine? phase = serial.Find(FilePhase);
        double serialMs = phase != null && read != null ? (read.Elapsed - phase.Elapsed).TotalMilliseconds : double.NaN;
        return new Run(capsule.Length, ms, serialMs, serial.Find(Done) != null && exitSuccess, byteExact, exit);
    }

    /// <summary>
    /// One USB recovery: the app's figure (<see cref="AppMs"/> -1: no read line), the serial lines' distance on the host's
    /// clock (<see cref="SerialMs"/>, NaN: a line missing), and whether it recovered.
    /// </summary>
    public sealed record Run(int Bytes, long AppMs, double SerialMs, bool Recovered, bool ByteExact, QemuExit Exit)
    {
        public string Describe()
        {
            string read = AppMs < 0
                ? "NO 'RECOVERY SOURCE file ... read' line"
                : AppMs == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{Bytes} bytes in 0 ms (under one 10 ms tick)")
                : string.Create(CultureInfo.InvariantCulture, $"{Bytes} bytes in {AppMs} ms = {Bytes / (AppMs / 1000.0) / 1e6:F1} MB/s");
            string host = double.IsNaN(SerialMs)
                ? "serial lines missing"
                : string.Create(CultureInfo.InvariantCulture, $"PHASE file -> read line {SerialMs:F0} ms on the host's serial clock = {(SerialMs > 0 ? Bytes / SerialMs / 1000 : double.NaN):F1} MB/s");
            return "USB read (file:" + StickPath + " on usb-storage behind qemu-xhci, -nic none; finding the volume + open + read): app (10 ms ticks) "
                + read + "; " + host + (ByteExact ? "; flash == payload byte for byte" : "; FLASH DIFFERS") + (Recovered ? ", recovered" : ", NOT recovered");
        }

        public IEnumerable<string> Failures()
        {
            if (AppMs < 0)
                yield return $"USB: no 'RECOVERY SOURCE file path={StickPath} read ... bytes={Bytes}' line\n{Exit.Describe()}";
            if (!Recovered)
                yield return $"USB: no 'RECOVERY DONE verdict=recovered reason=none' with the success exit\n{Exit.Summary}";
            if (!ByteExact)
                yield return "USB: the vars file differs from the capsule payload after the recovery";
        }
    }
}
