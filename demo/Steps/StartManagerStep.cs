using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>Sets up the network (namespace as root, else user-mode) and starts the real manager's <c>serve</c> in it.</summary>
public sealed class StartManagerStep : IDemoStep
{
    public string Title => "Start the recovery manager (serve) with its status";

    public async Task<StepResult> RunAsync(DemoContext context)
    {
        RecoveryDemoState state = context.Recovery;
        DemoNetwork network = DemoNetwork.Create(context.Options.UserModeNetwork, QemuMachineOptions.DefaultMacAddress,
            Path.Combine(context.RunDirectory, "user-net.pcap"));
        state.Network = network;
        Console.WriteLine("   network: " + network.Description);

        string results = Path.Combine(context.RunDirectory, "results.jsonl");
        var arguments = new List<string>
        {
            state.ManagerDll!, "serve", "--images", state.ImagesDirectory!, "--listen", network.ManagerListen,
        };
        arguments.AddRange(network.DeliveryArguments);
        arguments.AddRange(new[]
        {
            "--trusted-key-hash", state.TrustedKeyHash!, "--results", results,
            // Its status is its log lines, passed through below; the HTTP endpoint would sit in the namespace.
            "--status-http", "off", "--live", "false",
            // Paced below what OVMF's SNP polling under TCG absorbs; loss would be repaired anyway.
            "--rate", "20", "--client-timeout", "300", "--name", "demo-manager",
        });
        if (context.Options.ManagerInitiated)
        {
            // serve signs the instruction and follows it (docs/operating.md §8.8); its API listens on the namespace's loopback.
            arguments.AddRange(new[]
            {
                "--instruction-key", context.ManagerInitiated.InstructionKeyPath!,
                "--counter-file", Path.Combine(context.RunDirectory, "instruction-key.counter"),
            });
            arguments[arguments.IndexOf("--status-http") + 1] = ManagerInitiatedState.StatusEndpoint;
        }
        (string fileName, List<string> wrapped) = network.Wrap("dotnet", arguments);
        state.Manager = ManagerProcess.Start(fileName, wrapped, "   manager | ");
        Console.WriteLine("   " + state.Manager.CommandLine);
        if (!await state.Manager.WaitForReadyAsync(TimeSpan.FromMinutes(3), context.Stop.Token))
        {
            return StepResult.Failed("the manager did not print its ready line (output above)");
        }
        return StepResult.Ok($"manager ready on {network.ManagerListen}; result log {results}");
    }
}
