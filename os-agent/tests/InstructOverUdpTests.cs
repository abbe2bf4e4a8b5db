using System;
using System.CommandLine;
using System.IO;
using System.Net;
using System.Threading;
using UefiRecovery.Agent.Instructions;
using Xunit;

namespace UefiRecovery.Agent.Tests;

/// <summary>
/// The manager's real `instruct` command against the agent's real UDP service on loopback (the machine is
/// still the fake one: efivarfs, sysfs and the reboot are the test's).
/// </summary>
public class InstructOverUdpTests
{
    [Fact]
    public void Instruct_ToThisMachine_AgentActsAndInstructShowsRebootingReport()
    {
        using var machine = new FakeMachine();
        using var agent = Start(machine, out Thread thread);

        int exit = Instruct(machine, agent.LocalEndPoint.Port, FakeMachine.Uuid, out string output);

        Assert.True(exit == 0, output + "\n" + machine.Log);
        Assert.Contains("state=Rebooting", output);
        Assert.Contains("boot-entry=Boot0000", output);
        Assert.Contains("firmware=\"" + FakeMachine.BiosVersion + "\"", output);
        Assert.True(File.Exists(Path.Combine(machine.Efivars, "BootNext-8be4df61-93ca-11d2-aa0d-00e098032b8c")));
        Assert.Equal(1, machine.Rebooter.Reboots);
    }

    [Fact]
    public void Instruct_OtherUuid_NoReportExit5AndNothingWritten()
    {
        using var machine = new FakeMachine();
        using var agent = Start(machine, out Thread thread);
        var before = machine.Snapshot();

        int exit = Instruct(machine, agent.LocalEndPoint.Port, "00112233-4455-6677-8899-aabbccddeeff", out string output, timeout: 3);

        Assert.True(exit == 5, output);
        Assert.Contains("no report from the agent", output);
        Assert.Equal(before, machine.Snapshot());
        Assert.Contains("reason=OtherMachine", machine.Log.ToString());
        Assert.Equal(0, machine.Rebooter.Reboots);
    }

    private static AgentService Start(FakeMachine machine, out Thread thread)
    {
        var service = new AgentService(new IPEndPoint(IPAddress.Loopback, 0), machine.Log);
        Assert.True(Program.TryLoadKeys(machine.Keys, out var keys, out string error), error);
        var handler = new InstructionHandler(machine.Options, new InstructionVerifier(keys, new CounterStore(machine.State), TimeProvider.System),
            service, machine.Rebooter, TextWriter.Synchronized(machine.Log));
        thread = new Thread(() => service.Run(handler)) { IsBackground = true };
        thread.Start();
        return service;
    }

    private static int Instruct(FakeMachine machine, int agentPort, string uuid, out string output, int timeout = 10)
    {
        // The manager's key and counter live on the manager's side, not in the machine's directories.
        string managerDir = Directory.CreateTempSubdirectory("instruct-test-").FullName;
        string key = Path.Combine(managerDir, "instruction-key.pem");
        File.WriteAllText(key, FakeMachine.ManagerKey.ExportPkcs8PrivateKeyPem());
        var stdout = new StringWriter();
        var configuration = new InvocationConfiguration { Output = stdout, Error = stdout };
        int exit = Manager.CommandRunner.Run(Manager.Program.BuildRoot(), new[]
        {
            "instruct", "--agent", "127.0.0.1:" + agentPort, "--key", key, "--mac", "52:54:00:12:34:56", "--uuid", uuid,
            "--manager", "127.0.0.1:9", "--timeout", timeout.ToString(), "--bind", "127.0.0.1",
        }, configuration);
        output = stdout.ToString();
        Assert.True(File.Exists(key + ".counter"), "the counter is stored before the instruction is sent");
        Directory.Delete(managerDir, recursive: true);
        return exit;
    }
}
