using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// The core claim, end to end: three OVMF machines with an interrupted (invalid) NV region, each on its
/// own tap of one bridge, are recovered by ONE session of the real manager in broadcast delivery; every
/// DATA datagram goes once to the segment's broadcast address and serves all three.
/// The manager is started once all three machines are asking for a donor, so all their ACCEPTs fall in
/// its gather window whatever the boot-time spread of three TCG guests on a loaded host.
/// </summary>
public sealed class MultiMachineRecoveryTests
{
    private const int Machines = 3;
    private const int FragmentCount = 379;

    private readonly ITestOutputHelper _output;

    public MultiMachineRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_ThreeMachinesOneBroadcastSession_AllVarsEqualPayloadOneSessionThreeResults()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-three");
        string pcap = Path.Combine(files.RunDirectory, "bridge.pcap");

        using E2eSegment segment = E2eSegment.Create();
        using NamespaceProcess capture = await Tcpdump.StartAsync(segment.Namespace, segment.Bridge, pcap);

        var macs = new string[Machines];
        var runs = new List<QemuRun>();
        try
        {
            for (int i = 0; i < Machines; i++)
            {
                string tap = i == 0 ? segment.Tap : segment.AddTap("tap" + (i + 1));
                macs[i] = $"52:54:00:e2:e0:{i + 1:x2}";
                QemuMachine machine = segment.Machine(files.Boot($"machine-{i + 1}"), files.BuildEsp($"esp-{i + 1}.img"),
                    E2eRecoveryLab.MachineOemStrings("auto", $"{E2eRecoveryLab.Subnet}.{21 + i}"), E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath, macs[i], tap);
                runs.Add(machine.Start());
            }

            // All three looking for a donor (each keeps re-sending its REQUEST with backoff, capped at 8 s).
            foreach (QemuRun run in runs)
            {
                SerialLine? discovering = await run.Serial.WaitForLineAsync(new Regex("^RECOVERY PHASE discovering "), TimeSpan.FromMinutes(5));
                Assert.True(discovering != null, "a machine never reached discovery:\n" + run.Serial.Transcript);
            }
            // Gather 20 s after the first ACCEPT: longer than two REQUEST retries at the backoff cap.
            using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 20));

            var exits = new QemuExit[Machines];
            for (int i = 0; i < Machines; i++)
            {
                exits[i] = await runs[i].WaitForExitAsync();
            }
            string managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);
            _output.WriteLine(managerOutput);

            for (int i = 0; i < Machines; i++)
            {
                SerialLog serial = runs[i].Serial;
                QemuExit exit = exits[i];
                string who = $"machine {i + 1} ({macs[i]}): ";
                BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY REGION verdict=invalid reason=recovery-in-progress ")), exit, who + "the invalid verdict");
                BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY OFFER donor=10\.216\.0\.1:40123 .* fragments=379 mode=broadcast$")), exit,
                    who + "a broadcast offer" + managerOutput);
                BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ erases=\d+ retries=0$")),
                    exit, who + "the changed blocks written and read back");
                E2eRecoveryLab.AssertRecovered(exit, serial, files.Payload, files.Results, managerOutput, macs[i], who);
            }

            // The result log: three successes, one per MAC, all in the same session.
            string[] lines = E2eRecoveryLab.ResultLines(files.Results);
            _output.WriteLine("result log:\n" + string.Join("\n", lines));
            var sessions = new HashSet<string>();
            var clients = new HashSet<string>();
            var sessionField = new Regex(@"""sessionId"":(\d+)");
            var clientField = new Regex(@"""clientId"":""([0-9a-f:]+)""");
            foreach (string line in lines)
            {
                Assert.Matches(new Regex(@"""outcome"":""success"",""code"":0"), line);
                sessions.Add(sessionField.Match(line).Groups[1].Value);
                clients.Add(clientField.Match(line).Groups[1].Value);
            }
            Assert.Equal(Machines, lines.Length);
            Assert.Equal(new HashSet<string>(macs), clients);
            Assert.True(sessions.Count == 1, "the three results name more than one session: " + string.Join(",", sessions) + managerOutput);
            string session = new List<string>(sessions)[0];
            string sessionHex = uint.Parse(session, System.Globalization.CultureInfo.InvariantCulture).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Machines, Regex.Matches(managerOutput, "ACCEPT from .*: joined session " + sessionHex + " ").Count);

            // On the wire: DATA went to the broadcast address, one copy for all three, never one copy per machine.
            capture.Stop(TimeSpan.FromSeconds(2));
            IReadOnlyList<string> broadcastData = Tcpdump.Summaries(pcap,
                $"udp and src host {E2eRecoveryLab.HostAddress} and dst host {E2eRecoveryLab.Broadcast} and dst port 40124");
            IReadOnlyList<string> unicastToMachines = Tcpdump.Summaries(pcap,
                $"udp and src host {E2eRecoveryLab.HostAddress} and dst net {E2eRecoveryLab.Subnet}.0/24 and not dst host {E2eRecoveryLab.Broadcast} and dst port 40124");
            _output.WriteLine($"datagrams from the manager to the broadcast address: {broadcastData.Count}, unicast to machines: {unicastToMachines.Count}");
            Assert.True(broadcastData.Count >= FragmentCount,
                $"only {broadcastData.Count} broadcast datagrams from the manager for a {FragmentCount}-fragment image (tcpdump: {capture.Output.Trim()})");
            // Three unicast sessions would need at least 3 x 379; one broadcast session with its repair passes needs far fewer.
            Assert.True(broadcastData.Count < Machines * FragmentCount,
                $"{broadcastData.Count} broadcast datagrams: as many as one copy of the image per machine");
            Assert.True(unicastToMachines.Count < FragmentCount,
                $"{unicastToMachines.Count} unicast datagrams to the machines: DATA was not (only) broadcast");
        }
        finally
        {
            foreach (QemuRun run in runs)
            {
                await run.DisposeAsync();
            }
        }
    }
}
