using System;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;
using static UefiRecovery.Manager.Tests.Serving.NamespaceTestHelpers;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// `serve --signing-key` (docs/protocol.md §4.2, §6.8): every OFFER signed for the machine that asked, and
/// simulated machines that trust only that key (`simulate --trusted-manager`).
/// </summary>
public sealed class SignedOfferTests
{
    // The manager's own key: here the "untrusted" capsule test key, which has nothing to do with the firmware key.
    private static string ManagerKey => SharedFiles.UntrustedPrivateKey;

    private static byte[] ModulusHash(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(pem));
        return SHA256.HashData(rsa.ExportParameters(false).Modulus!);
    }

    private static async Task<ManagerProcess> StartAsync(TempFolder folder, string? signingKey)
    {
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 256 << 10, seed: 51, SharedFiles.TrustedPrivateKey);
        var args = new System.Collections.Generic.List<string>
        {
            "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("results.jsonl"), "--status-http", "127.0.0.1:0", "--gather", "0.2",
        };
        if (signingKey is not null) { args.Add("--signing-key"); args.Add(signingKey); }
        return await ManagerProcess.StartAsync(args);
    }

    [Fact]
    public async Task Offer_SigningKey_VerifiesUnderItsKeyHashAndFailsUnderAnother()
    {
        using var folder = new TempFolder();
        await using var manager = await StartAsync(folder, ManagerKey);
        using var machine = new WireProbe("127.0.0.9");
        const ulong mac = 0x020000000123;
        var offer = await machine.WaitForOfferAsync(machine.SendRequest(manager.UdpEndPoint, mac), TimeSpan.FromSeconds(60));
        Assert.NotNull(offer);
        byte[] datagram = offer!.Value.Datagram.Bytes;
        Assert.Equal(OfferSignature.SignedDatagramLength, datagram.Length);
        Assert.Equal(OfferSignatureKind.Rsa2048Sha256, offer.Value.Offer.SignatureKind);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out MessageFrame frame));
        const uint probeAddress = 0x7F000009; // 127.0.0.9, where the REQUEST came from
        Assert.Equal(OfferSignatureCheck.Valid, OfferSignature.Check(frame, mac, probeAddress, ModulusHash(SharedFiles.UntrustedPublicKey), new Sha256()));
        Assert.Equal(OfferSignatureCheck.UntrustedKey, OfferSignature.Check(frame, mac, probeAddress, ModulusHash(SharedFiles.TrustedPublicKey), new Sha256()));
        Assert.Equal(OfferSignatureCheck.BadSignature, OfferSignature.Check(frame, mac + 1, probeAddress, ModulusHash(SharedFiles.UntrustedPublicKey), new Sha256()));
        // Signed for the address the manager saw the REQUEST come from: a relayed copy does not verify elsewhere.
        Assert.Equal(OfferSignatureCheck.BadSignature, OfferSignature.Check(frame, mac, probeAddress + 1, ModulusHash(SharedFiles.UntrustedPublicKey), new Sha256()));
        Assert.Contains(Convert.ToHexStringLower(ModulusHash(SharedFiles.UntrustedPublicKey)), manager.Output, StringComparison.Ordinal);

        // A machine whose path cannot carry a 640-byte OFFER (it cannot require signed offers either) gets it unsigned.
        var small = await machine.WaitForOfferAsync(machine.SendRequest(manager.UdpEndPoint, mac + 2, maxDatagram: 600), TimeSpan.FromSeconds(60));
        Assert.NotNull(small);
        Assert.Equal(OfferSignatureKind.None, small!.Value.Offer.SignatureKind);
    }

    [Fact]
    public async Task Serve_SigningKeyNot2048Bits_RefusesToStartNamingTheSize()
    {
        using var folder = new TempFolder();
        string key = folder.Combine("rsa3072.pem");
        using (var rsa = RSA.Create(3072)) File.WriteAllText(key, rsa.ExportRSAPrivateKeyPem());
        Directory.CreateDirectory(folder.Combine("images"));
        var run = await ManagerCli.RunAsync(new[]
        {
            "serve", "--images", folder.Combine("images"), "--listen", "127.0.0.1:0", "--trusted", SharedFiles.TrustedPublicKey,
            "--results", folder.Combine("r.jsonl"), "--status-http", "off", "--signing-key", key,
        }, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Configuration, run.ExitCode);
        Assert.Contains("RSA-3072", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_TrustedManagerKey_RecoversFromSigningManagerOnly()
    {
        using var folder = new TempFolder();
        await using var signing = await StartAsync(folder, ManagerKey);
        string[] machine(string endpoint, string trustedManager, string name, string timeout) => new[]
        {
            "--clients", "1", "--manager", endpoint, "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--trusted-manager", trustedManager, "--out", folder.Combine(name), "--timeout", timeout,
        };
        var (good, goodReport) = await ManagerCli.SimulateAsync(machine(signing.UdpEndPoint.ToString(), SharedFiles.UntrustedPublicKey, "good", "120"), folder.Combine("good.json"));
        Assert.True(good.ExitCode == 0, good.Stderr + "\n--- manager ---\n" + signing.Output);
        JsonElement client = Clients(goodReport)[0];
        Assert.True(client.GetProperty("signatureChecks").GetInt64() >= 1);

        // Trusting another manager key: every OFFER of this manager is dropped, nothing is accepted.
        var (bad, badReport) = await ManagerCli.SimulateAsync(machine(signing.UdpEndPoint.ToString(), SharedFiles.TrustedPublicKey, "bad", "6"), folder.Combine("bad.json"));
        Assert.Equal(1, bad.ExitCode);
        JsonElement refused = Clients(badReport)[0];
        Assert.False(refused.GetProperty("succeeded").GetBoolean());
        Assert.True(refused.GetProperty("offersUnauthenticated").GetInt64() >= 1, refused.ToString());
        Assert.Single(signing.Output.Split('\n'), line => line.Contains("joined session", StringComparison.Ordinal)); // the good machine's only
    }
}
