using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Guest;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// The OS side: the NativeAOT agent published, a fresh RSA-2048 instruction key (its machine setting printed by the
/// manager's own <c>image key-hash --for instruction</c>), and testbed's Linux guest (Debian's kernel, busybox, the agent
/// trusting that key). The guest is cached by content in artifacts/guest/demo/ (a fresh key makes a new one each run;
/// the test guests in artifacts/guest/ stay), the .debs shared with the tests in artifacts/guest/debs/.
/// </summary>
public sealed class BuildGuestStep : IDemoStep
{
    public string Title => "Publish the OS agent, make a demo instruction key, build the Linux guest";

    public Task<StepResult> RunAsync(DemoContext context)
    {
        ManagerInitiatedState state = context.ManagerInitiated;
        Console.WriteLine("   dotnet publish os-agent/src/Agent.csproj -c Release -r linux-x64 (NativeAOT)");
        state.AgentPath = AgentPublisher.Publish(context.Repo);
        Console.WriteLine($"   agent: {state.AgentPath} ({new FileInfo(state.AgentPath).Length} bytes)");

        using RSA key = RSA.Create(2048);
        string keyPath = Path.Combine(context.RunDirectory, "demo-instruction-key.pem");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        string publicPem = key.ExportSubjectPublicKeyInfoPem();
        File.WriteAllText(Path.Combine(context.RunDirectory, "demo-instruction-key.pub.pem"), publicPem);
        HostCommandResult hash = HostCommand.Run("dotnet",
            new[] { context.Recovery.ManagerDll!, "image", "key-hash", keyPath, "--for", "instruction" }, TimeSpan.FromMinutes(2));
        string setting = hash.StandardOutput.Trim();
        if (!hash.Succeeded || !setting.StartsWith("uefirecovery.trust.instruction=", StringComparison.Ordinal))
        {
            return Task.FromResult(StepResult.Failed("image key-hash --for instruction failed:\n" + hash));
        }
        state.InstructionKeyPath = keyPath;
        state.InstructionTrustSetting = setting;
        Console.WriteLine($"   instruction key: fresh RSA-2048 for this run, {keyPath}");
        Console.WriteLine($"   image key-hash --for instruction: {setting}");

        Console.WriteLine("   guest: linux-image-amd64, busybox-static, libc6, libssl3 (apt-get download, dpkg-deb -x; nothing installed on the host)");
        string guestRoot = Path.Combine(context.Repo.ArtifactsDir, "guest");
        state.Guest = new LinuxGuestBuilder
        {
            CacheRoot = Path.Combine(guestRoot, "demo"),
            PackageDirectory = Path.Combine(guestRoot, "debs"),
            AgentBinaryPath = state.AgentPath,
        }.WithTrustedKey("demo-instruction.pem", publicPem).Build();
        return Task.FromResult(StepResult.Ok(
            $"kernel {state.Guest.KernelRelease}, initrd {new FileInfo(state.Guest.InitrdPath).Length} bytes with the agent and the key's public half, in {Path.GetDirectoryName(state.Guest.InitrdPath)}"));
    }
}
