using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// A fresh RSA-2048 demo signing key (not EDK2's public test key, whose private half everyone has) and a
/// signed FMP capsule of the region's correct contents, packed by the manager's own <c>image pack</c>: Debian's
/// pristine vars, or (<see cref="OfMachineVars"/>) the store an earlier step wrote as <c>PayloadPath</c>.
/// </summary>
public sealed class SignCapsuleStep : IDemoStep
{
    private const string PristineVars = "/usr/share/OVMF/OVMF_VARS_4M.fd";

    private readonly bool _machineVars;

    public SignCapsuleStep() : this(machineVars: false)
    {
    }

    private SignCapsuleStep(bool machineVars) => _machineVars = machineVars;

    /// <summary>The capsule of the machine's own variable store (manager-initiated scenario: Boot0000 → Linux).</summary>
    public static SignCapsuleStep OfMachineVars() => new(machineVars: true);

    public string Title => _machineVars
        ? "Make a demo signing key and a signed capsule of the machine's variable store"
        : "Make a demo signing key and a signed capsule of the region";

    public Task<StepResult> RunAsync(DemoContext context)
    {
        RecoveryDemoState state = context.Recovery;
        using RSA rsa = RSA.Create(2048);
        string keyPath = Path.Combine(context.RunDirectory, "demo-signing-key.pem");
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(context.RunDirectory, "demo-signing-key.pub.pem"), rsa.ExportSubjectPublicKeyInfoPem());
        // EDK2's trust form: SHA-256 of the big-endian modulus (PcdRsa2048Sha256PublicKeyBuffer).
        string hash = Convert.ToHexStringLower(SHA256.HashData(rsa.ExportParameters(false).Modulus!));
        state.SigningKeyPath = keyPath;
        state.TrustedKeyHash = hash;
        Console.WriteLine($"   demo key: fresh RSA-2048 made for this run (NOT the EDK2 public test key), {keyPath}");
        Console.WriteLine($"   trusted modulus SHA-256: {hash}");

        string payload = _machineVars ? state.PayloadPath! : Path.Combine(context.RunDirectory, "payload-ovmf-vars.fd");
        if (!_machineVars)
        {
            File.Copy(PristineVars, payload, overwrite: true);
        }
        string images = Directory.CreateDirectory(Path.Combine(context.RunDirectory, "images")).FullName;
        string capsule = Path.Combine(images, _machineVars ? "machine-vars.cap" : "ovmf-vars.cap");
        HostCommandResult pack = HostCommand.Run("dotnet", new[]
        {
            state.ManagerDll!, "image", "pack", "--payload", payload, "--image-type", RecoveryDemoState.ImageType,
            "--version", RecoveryDemoState.Version, "--lsv", RecoveryDemoState.LowestSupportedVersion, "--key", keyPath, "-o", capsule,
        }, TimeSpan.FromMinutes(3));
        if (!pack.Succeeded || !File.Exists(capsule))
        {
            return Task.FromResult(StepResult.Failed("image pack failed:\n" + pack));
        }
        state.PayloadPath = payload;
        state.ImagesDirectory = images;
        state.CapsulePath = capsule;
        return Task.FromResult(StepResult.Ok(
            $"capsule {capsule} ({new FileInfo(capsule).Length} bytes) = payload {(_machineVars ? payload : PristineVars)} ({new FileInfo(payload).Length} bytes), " +
            $"image type {RecoveryDemoState.ImageType}, version {RecoveryDemoState.Version}, lsv {RecoveryDemoState.LowestSupportedVersion}"));
    }
}
