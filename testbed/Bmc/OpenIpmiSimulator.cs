using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.Testbed.Bmc;

/// <summary>
/// OpenIPMI's <c>ipmi_sim</c> (Debian package openipmi) as the BMC behind QEMU's <c>ipmi-bmc-extern</c>: an
/// implementation of IPMI written independently of this project, to cross-check the app's KCS client against.
/// One BMC at IPMB 20h with the VM serial codec on a free TCP port of 127.0.0.1; its files live in a run folder.
/// It implements Get Device ID and Get System Boot Options, and answers Get System Info Parameters C1h.
/// </summary>
public sealed class OpenIpmiSimulator : IDisposable
{
    private readonly Process _process;

    private OpenIpmiSimulator(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What Get Device ID answers (hex strings as ipmi_sim takes them).</summary>
    public const string DeviceId = "0x42";
    public const string Manufacturer = "0x1291";

    public string[] QemuArguments() => QemuKcsDevice.Arguments($"host=127.0.0.1,port={Port}");

    /// <summary>Starts ipmi_sim and waits (up to 10 s) until its port listens.</summary>
    public static OpenIpmiSimulator Start(string runDirectory)
    {
        string ipmiSim = HostTools.RequirePath(HostTool.IpmiSim);
        Directory.CreateDirectory(runDirectory);
        string state = Directory.CreateDirectory(Path.Combine(runDirectory, "ipmi-sim-state")).FullName;
        int port = FreePort();
        string config = Path.Combine(runDirectory, "ipmi-sim-lan.conf");
        File.WriteAllText(config,
            "name \"uefirecovery-test\"\n" +
            "set_working_mc 0x20\n" +
            $"  serial 15 127.0.0.1 {port} codec VM\n" +
            "user 1 true \"\" \"test\" user 10 none md2 md5 straight\n");
        string commands = Path.Combine(runDirectory, "ipmi-sim.emu");
        // ipmi_sim_cmd(5) mc_add: IPMB 20h, device ID 42h, no SDRs, revision 3, firmware 5.17, support 9Fh, manufacturer 1291h, product 0F02h.
        File.WriteAllText(commands,
            "mc_setbmc 0x20\n" +
            "mc_add 0x20 " + DeviceId + " no-device-sdrs 0x03 0x05 0x17 0x9f " + Manufacturer + " 0x0f02\n" +
            "mc_enable 0x20\n");
        var start = new ProcessStartInfo(ipmiSim)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // -n: no console on stdin/stdout (ipmi_sim cannot poll a redirected stdin).
        foreach (string argument in new[] { "-c", config, "-f", commands, "-s", state, "-n" })
            start.ArgumentList.Add(argument);
        Process process = Process.Start(start) ?? throw new InvalidOperationException("ipmi_sim did not start");
        var sim = new OpenIpmiSimulator(process, port);
        for (int i = 0; i < 100 && !IsListening(port); i++)
        {
            if (process.HasExited)
                throw new InvalidOperationException("ipmi_sim exited with " + process.ExitCode + ": " + process.StandardError.ReadToEnd());
            Thread.Sleep(100);
        }
        if (!IsListening(port))
        {
            sim.Dispose();
            throw new InvalidOperationException($"ipmi_sim did not listen on port {port} within 10 s");
        }
        return sim;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    // A listening socket in /proc/net/tcp (state 0A) on 127.0.0.1:port, seen without connecting to it.
    private static bool IsListening(int port)
    {
        string local = "0100007F:" + port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (string line in File.ReadLines("/proc/net/tcp"))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 3 && fields[1] == local && fields[3] == "0A")
                return true;
        }
        return false;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
