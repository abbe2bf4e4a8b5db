using System;
using System.IO;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Tests.Crypto;

namespace UefiRecovery.Core.Tests.Image;

/// <summary>The EDK2 capsule set in shared/vectors/edk2-capsules and the machine facts that go with it (its README).</summary>
internal static class Edk2Vectors
{
    public const string RsaA = "edk2-capsules/rsa2048/A_rsa2048_testkey_payload4k.cap";
    public const string RsaB = "edk2-capsules/rsa2048/B_rsa2048_testkey_ovmfvars.cap";
    public const string RsaC = "edk2-capsules/rsa2048/C_rsa2048_testkey_payload4k_TAMPERED.cap";
    public const string RsaD = "edk2-capsules/rsa2048/D_rsa2048_untrustedkey_payload4k.cap";
    public const string Pkcs7A = "edk2-capsules/pkcs7/A_pkcs7_payload4k.cap";
    public const string Pkcs7B = "edk2-capsules/pkcs7/B_pkcs7_ovmfvars.cap";
    public const string Pkcs7C = "edk2-capsules/pkcs7/C_pkcs7_payload4k_TAMPERED.cap";
    public const string Pkcs7D = "edk2-capsules/pkcs7/D_pkcs7_untrustedchain_payload4k.cap";

    public const string ImageTypeText = "6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10";
    public const uint FwVersion = 0x00010002;
    public const uint LowestSupportedVersion = 0x00010000;

    public static EfiGuid ImageType
    {
        get
        {
            EfiGuid.TryParse(ImageTypeText, out EfiGuid guid);
            return guid;
        }
    }

    public static byte[] Read(string relative) => SharedVectors.Read(relative);

    /// <summary>A target that every good EDK2 vector fits: the right type, LSV floor 0x00010000, a 1 MiB region.</summary>
    public static UpdateTarget Target(uint storedLowestSupportedVersion = LowestSupportedVersion, ulong regionSize = 1 << 20) =>
        new UpdateTarget(ImageType, imageIndex: 1, hardwareInstance: 0, storedLowestSupportedVersion, currentVersion: 0x00010001, regionSize);

    /// <summary>Trust store holding only the EDK2 test key hash (TestSigningPublicKey.bin) and TestRoot.cer.</summary>
    public static TrustStore TestKeyStore()
    {
        var store = new TrustStore(4, 4, 16 * 1024);
        store.TryAddKeyHash(Read("edk2-capsules/keys/edk2-rsa2048-test/TestSigningPublicKey.bin"));
        store.TryAddRootCertificate(Read("edk2-capsules/keys/edk2-pkcs7-test/TestRoot.cer"));
        return store;
    }

    /// <summary>Trust store holding only the untrusted key hash (UntrustedSigningPublicKeyHash.bin).</summary>
    public static TrustStore UntrustedKeyStore()
    {
        var store = new TrustStore(4, 4, 16 * 1024);
        store.TryAddKeyHash(Read("edk2-capsules/keys/untrusted-rsa2048/UntrustedSigningPublicKeyHash.bin"));
        return store;
    }

    public static string TestPrivateKeyPem => File.ReadAllText(SharedVectors.PathOf("edk2-capsules/keys/edk2-rsa2048-test/TestSigningPrivateKey.pem"));

    public static byte[] Payload4k => Read("edk2-capsules/inputs/payload_4k_0-255.bin");
}
