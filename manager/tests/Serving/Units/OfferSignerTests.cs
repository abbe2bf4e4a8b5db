using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>`serve --signing-key`: the manager's RSA-2048 OFFER signature (docs/protocol.md §4.2, §6.8).</summary>
public sealed class OfferSignerTests
{
    private const ulong Requester = 0x0000525400123456;
    private const uint RequesterAddress = 0xC0A86414;

    private static OfferMessage Offer()
    {
        FragmentGeometry.TryCreate(10000, 1432, 7, out var geometry);
        var binding = new OfferBinding(0x1122334455667788, new Hash128(1, 2), 6, new Hash128(3, 4));
        return new OfferMessage(0x101, 0xC8F5D0341D54D951, default, 0x10002, 0x10000, geometry, DeliveryMode.Broadcast, 0xC0A864FF, 40124, 3, binding);
    }

    private static byte[] TrustedHash(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(pem));
        return SHA256.HashData(rsa.ExportParameters(false).Modulus!);
    }

    [Fact]
    public void TryEmit_TestKey_VerifiesUnderItsHashOnlyAndOnlyForTheRequester()
    {
        using var signer = OfferSigner.Load(SharedFiles.UntrustedPrivateKey);
        var buffer = new byte[1024];
        Assert.Equal(WireStatus.Ok, signer.TryEmit(Offer(), buffer, new MessageIds(0x201, 0x1A2B3C4D, 0x4D414E4147455231), Requester, RequesterAddress, out int written));
        Assert.Equal(OfferSignature.SignedDatagramLength, written);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, written), out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, OfferMessage.TryParse(frame, out OfferMessage parsed));
        Assert.Equal(OfferSignatureKind.Rsa2048Sha256, parsed.SignatureKind);

        byte[] right = TrustedHash(SharedFiles.UntrustedPublicKey);
        Assert.Equal(Convert.ToHexStringLower(right), signer.ModulusSha256Hex);
        Assert.Equal(OfferSignatureCheck.Valid, OfferSignature.Check(frame, Requester, RequesterAddress, right, new Sha256()));
        Assert.Equal(OfferSignatureCheck.UntrustedKey, OfferSignature.Check(frame, Requester, RequesterAddress, TrustedHash(SharedFiles.TrustedPublicKey), new Sha256()));
        // Bound to the machine that asked, at its address: the same datagram is no good for another sender id or address.
        Assert.Equal(OfferSignatureCheck.BadSignature, OfferSignature.Check(frame, Requester + 1, RequesterAddress, right, new Sha256()));
        Assert.Equal(OfferSignatureCheck.BadSignature, OfferSignature.Check(frame, Requester, RequesterAddress ^ 1, right, new Sha256()));
    }

    [Fact]
    public void Load_Rsa3072Key_RefusedNamingTheSize()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("k3072.pem");
        using (var rsa = RSA.Create(3072)) File.WriteAllText(path, rsa.ExportRSAPrivateKeyPem());
        var error = Assert.Throws<InvalidDataException>(() => OfferSigner.Load(path));
        Assert.Contains("RSA-3072", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PublicKeyOnly_RefusedAsNoPrivateKey()
    {
        var error = Assert.Throws<InvalidDataException>(() => OfferSigner.Load(SharedFiles.UntrustedPublicKey));
        Assert.Contains("no private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotAKey_RefusedWithReason()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("junk.pem");
        File.WriteAllText(path, "hello");
        Assert.Throws<InvalidDataException>(() => OfferSigner.Load(path));
    }
}
