using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using UefiRecovery.Manager.Images;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>
/// The catalog (TrustedCapsuleVerifier) and a machine (recovery-core's CapsuleVerifier) trusting the same
/// anchors give the same answer for a capsule, as long as the machine adds nothing of its own (its image type,
/// no rollback floor): both apply CapsuleVerifier.CheckVersionsAndPayload. What only a machine knows (its floor,
/// its type) the catalog leaves to it.
/// </summary>
public sealed class CatalogPolicyTests
{
    private static readonly string Capsules = Path.Combine(SharedFiles.SharedDir, "vectors", "edk2-capsules");
    private static readonly string Pkcs7Root = Path.Combine(Capsules, "keys", "edk2-pkcs7-test", "TestRoot.cer");

    // The EDK2 vectors' payload header: FwVersion 0x00010002, LowestSupportedVersion 0x00010000.
    private const uint VectorVersion = 0x00010002;

    private static readonly Dictionary<string, Func<byte[]>> s_capsules = new()
    {
        ["edk2 rsa2048 A (valid)"] = () => Vector("rsa2048/A_rsa2048_testkey_payload4k.cap"),
        ["edk2 pkcs7 A (valid)"] = () => Vector("pkcs7/A_pkcs7_payload4k.cap"),
        ["edk2 rsa2048 C (tampered)"] = () => Vector("rsa2048/C_rsa2048_testkey_payload4k_TAMPERED.cap"),
        ["edk2 rsa2048 D (untrusted key)"] = () => Vector("rsa2048/D_rsa2048_untrustedkey_payload4k.cap"),
        ["edk2 pkcs7 D (untrusted chain)"] = () => Vector("pkcs7/D_pkcs7_untrustedchain_payload4k.cap"),
        ["signed, rolled back below its own lowest supported version"] = () => Packed(new byte[4096], version: 0x00010000, lowestSupported: 0x00010001),
        ["signed, empty payload"] = () => Packed(Array.Empty<byte>(), version: 0x00010002, lowestSupported: 0x00010000),
        ["signed, rolled back and empty (first rule wins)"] = () => Packed(Array.Empty<byte>(), version: 0x00010000, lowestSupported: 0x00010001),
    };

    public static TheoryData<string, CapsuleStatus> SameAnswer => new()
    {
        { "edk2 rsa2048 A (valid)", CapsuleStatus.Ok },
        { "edk2 pkcs7 A (valid)", CapsuleStatus.Ok },
        { "edk2 rsa2048 C (tampered)", CapsuleStatus.SignatureInvalid },
        { "edk2 rsa2048 D (untrusted key)", CapsuleStatus.PublicKeyNotTrusted },
        { "edk2 pkcs7 D (untrusted chain)", CapsuleStatus.Pkcs7VerificationFailed },
        { "signed, rolled back below its own lowest supported version", CapsuleStatus.VersionBelowOwnLowestSupported },
        { "signed, empty payload", CapsuleStatus.PayloadEmpty },
        { "signed, rolled back and empty (first rule wins)", CapsuleStatus.VersionBelowOwnLowestSupported },
    };

    [Theory]
    [MemberData(nameof(SameAnswer))]
    public void Verify_CapsuleAgainstMachineWithNoFloor_CatalogAndMachineAgree(string capsuleName, CapsuleStatus expected)
    {
        byte[] capsule = s_capsules[capsuleName]();

        CatalogVerdict catalog = CatalogVerifier().Verify(capsuleName, capsule);
        CapsuleStatus machine = MachineVerifier().Verify(capsule, MachineTarget(storedLowestSupported: 0), out _).Status;

        Assert.Equal(expected, machine);
        Assert.Equal(expected == CapsuleStatus.Ok, catalog.Accepted);
        if (expected != CapsuleStatus.Ok)
        {
            Assert.Equal(expected + ": " + CapsuleStatusText.Describe(expected), catalog.Reason);
        }
    }

    [Fact]
    public void Verify_VersionBelowAMachinesStoredFloor_CatalogOffersMachineRefuses()
    {
        byte[] capsule = Vector("rsa2048/A_rsa2048_testkey_payload4k.cap");

        CatalogVerdict catalog = CatalogVerifier().Verify("A", capsule);
        CapsuleStatus machine = MachineVerifier().Verify(capsule, MachineTarget(storedLowestSupported: VectorVersion + 1), out _).Status;

        // The catalog knows no machine's floor: it offers the capsule, and the machine's own check refuses it.
        Assert.True(catalog.Accepted);
        Assert.Equal(VectorVersion, catalog.Version);
        Assert.Equal(CapsuleStatus.RollbackBelowStoredLowestSupported, machine);
    }

    private static ICatalogVerifier CatalogVerifier() =>
        CapsuleVerifierFactory.Create([SharedFiles.TrustedPublicKey, Pkcs7Root], []);

    private static CapsuleVerifier MachineVerifier() =>
        new(TrustStoreLoader.Load([SharedFiles.TrustedPublicKey, Pkcs7Root], []));

    private static UpdateTarget MachineTarget(uint storedLowestSupported)
    {
        EfiGuid.TryParse(SharedFiles.ImageType, out EfiGuid type);
        return new UpdateTarget(type, 0, 0, storedLowestSupported, 0, ulong.MaxValue);
    }

    private static byte[] Vector(string relative) => File.ReadAllBytes(Path.Combine(Capsules, relative));

    private static byte[] Packed(byte[] payload, uint version, uint lowestSupported)
    {
        EfiGuid.TryParse(SharedFiles.ImageType, out EfiGuid type);
        using var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(SharedFiles.TrustedPrivateKey));
        return CapsuleWriter.BuildRsa2048(new CapsuleSpec(payload, type, version, lowestSupported), key);
    }
}
