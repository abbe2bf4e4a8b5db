using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Demo.Steps;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.Demo;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!DemoOptions.TryParse(args, out DemoOptions options, out string error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(DemoOptions.Usage);
            return 2;
        }
        if (options.ShowHelp)
        {
            Console.WriteLine(DemoOptions.Usage);
            return 0;
        }
        if (!HostTools.TryResolve(HostTool.ForQemuBoot, out _, out string missing) || !HostTools.TryResolve(options.Arch.ToolsForBoot, out _, out missing))
        {
            Console.Error.WriteLine(missing);
            return 2;
        }

        string? noNamespaces = options.ManagerInitiated ? NetworkNamespace.UnavailableReason() : null;
        if (noNamespaces != null)
        {
            Console.Error.WriteLine("--manager-initiated needs root: the manager, instruct and the machine's tap share a bridge in a network namespace, and "
                + "here that is not possible (" + noNamespaces + "). Run it as root; without root, the demo without options shows the recovery over user-mode networking.");
            return 2;
        }

        var context = new DemoContext(options, RepoLayout.Locate(), ReadConfiguration());
        var steps = new List<IDemoStep> { new LocateEfiAppStep() };
        if (options.BootOnly)
        {
            steps.Add(new BootEfiAppStep());
        }
        else if (options.ManagerInitiated)
        {
            steps.Add(new BuildManagerStep());
            steps.Add(new BuildGuestStep());
            steps.Add(new BuildMachineStep());
            steps.Add(SignCapsuleStep.OfMachineVars());
            steps.Add(new StartManagerStep());
            steps.Add(new InstructRunningLinuxStep());
            steps.Add(new InstructedRecoveryStep());
            steps.Add(new VerifyRecoveryStep());
            steps.Add(new LinuxBackStep());
        }
        else if (context.Platform.FormatsFlashAtFirstBoot)
        {
            // arm64: the firmware makes the flash at its first boot, and the capsule carries that flash's region.
            steps.Add(new BuildManagerStep());
            steps.Add(new FormatFlashStep());
            steps.Add(SignCapsuleStep.OfMachineVars());
            steps.Add(new CorruptRegionStep());
            steps.Add(new StartManagerStep());
            steps.Add(new RecoverVmStep());
            steps.Add(new VerifyRecoveryStep());
            steps.Add(new SecondBootStep());
        }
        else
        {
            steps.Add(new BuildManagerStep());
            steps.Add(new SignCapsuleStep());
            steps.Add(new CorruptRegionStep());
            steps.Add(new StartManagerStep());
            steps.Add(new RecoverVmStep());
            steps.Add(new VerifyRecoveryStep());
            steps.Add(new SecondBootStep());
        }
        Console.WriteLine("   run folder: " + context.RunDirectory);

        // Ctrl+C: stop QEMU through the steps' token, then fall through to the cleanup below (namespace removed).
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = true;
            Console.WriteLine("   Ctrl+C: stopping QEMU and the manager, removing the network");
            context.Stop.Cancel();
        };
        Console.CancelKeyPress += cancel;
        // SIGTERM (a service manager, `kill`) takes the same path, so the namespace never outlives the demo.
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            Console.WriteLine("   SIGTERM: stopping QEMU and the manager, removing the network");
            context.Stop.Cancel();
        });
        bool succeeded = true;
        try
        {
            for (int i = 0; i < steps.Count && succeeded; i++)
            {
                Console.WriteLine($"== [{i + 1}/{steps.Count}] {steps[i].Title}");
                StepResult result = context.Stop.IsCancellationRequested
                    ? StepResult.Failed("cancelled (Ctrl+C)")
                    : await steps[i].RunAsync(context);
                Console.WriteLine(result.Succeeded ? $"   OK: {result.Summary}" : $"   FAILED: {result.Summary}");
                succeeded = result.Succeeded;
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.WriteLine("   FAILED: " + exception.Message);
            succeeded = false;
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
            CleanUp(context);
        }

        if (options.BootOnly)
        {
            Console.WriteLine(succeeded ? "== Demo complete." : "== Demo FAILED.");
        }
        else if (options.ManagerInitiated)
        {
            ManagerInitiatedSummary.Print(context, succeeded);
        }
        else
        {
            RecoverySummary.Print(context, succeeded);
        }
        return succeeded ? 0 : 1;
    }

    /// <summary>Stops the capture and the manager (its output kept as manager.log) and removes the demo namespace, whatever happened.</summary>
    private static void CleanUp(DemoContext context)
    {
        if (context.ManagerInitiated.Follower != null)
        {
            context.ManagerInitiated.Follower.Dispose();
            File.WriteAllText(Path.Combine(context.RunDirectory, "instruct.log"),
                context.ManagerInitiated.Follower.CommandLine + "\n" + context.ManagerInitiated.Follower.Output);
            context.ManagerInitiated.Follower = null;
        }
        context.ManagerInitiated.Capture?.Stop(TimeSpan.FromSeconds(5));
        context.ManagerInitiated.Capture?.Dispose();
        context.ManagerInitiated.Capture = null;
        RecoveryDemoState state = context.Recovery;
        if (state.Manager != null)
        {
            state.Manager.Dispose();
            File.WriteAllText(Path.Combine(context.RunDirectory, "manager.log"), state.Manager.CommandLine + "\n" + state.Manager.Output);
            state.Manager = null;
        }
        if (state.Network != null)
        {
            string? name = state.Network.NamespaceName;
            state.Network.Dispose();
            if (name != null)
            {
                Console.WriteLine($"   removed network namespace {name} (bridge and tap with it)");
            }
        }
    }

    private static string ReadConfiguration()
    {
        foreach (AssemblyMetadataAttribute attribute in typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "Configuration" && attribute.Value != null)
            {
                return attribute.Value;
            }
        }
        return "Release";
    }
}
