using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Image.Pkcs7;
using UefiRecovery.Fuzz.Seeds;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// The DER / X.509 / CMS family: <see cref="Pkcs7Verifier.Verify"/> on a PKCS7 CertData against a trusted
/// root, plus <see cref="DerWalk"/> (every <c>DerReader</c> primitive) and <see cref="X509Certificate.TryParse"/>
/// over the raw bytes. Input layout (<see cref="Frame"/>):
/// <code>
/// 0      mode: bit 0 set = signature oracle (a signature "verifies" iff its last byte is even), so the
///        fuzzer reaches the chain rules (CA, path length, loops, length) without forging RSA;
///        clear = the real RSA PKCS#1 v1.5 verifier (hostile moduli, exponents and signatures)
/// 1..32  SHA-256 of the signed content (compared with the message-digest attribute)
/// 33..34 root certificate length, big-endian
/// 35..   root certificate DER, then the CertData (ContentInfo with SignedData)
/// </code>
/// </summary>
public sealed class Pkcs7Target : FuzzTarget
{
    public const int HeaderLength = 1 + Sha256.DigestSize + 2;

    public override string Name => "pkcs7";

    public override string Description =>
        "DER reader, X.509 and CMS SignedData: Pkcs7Verifier (real RSA or a signature oracle), DerReader walk, X509Certificate.TryParse";

    public override void Run(ReadOnlySpan<byte> input)
    {
        DerWalk.Walk(input);
        if (input.Length < HeaderLength)
        {
            X509Certificate.TryParse(input, out _, out _);
            return;
        }
        byte mode = input[0];
        ReadOnlySpan<byte> digest = input.Slice(1, Sha256.DigestSize);
        int rootLength = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input.Slice(1 + Sha256.DigestSize)), input.Length - HeaderLength);
        ReadOnlySpan<byte> root = input.Slice(HeaderLength, rootLength);
        ReadOnlySpan<byte> certData = input.Slice(HeaderLength + rootLength);

        DerWalk.Walk(certData);
        X509Certificate.TryParse(root, out _, out _);
        X509Certificate.TryParse(certData, out _, out _);

        if ((mode & 1) != 0)
        {
            Pkcs7Verifier.Verify(certData, digest, root, default(ParitySignatureOracle));
        }
        else
        {
            Pkcs7Verifier.Verify(certData, digest, root);
        }
    }

    public override IEnumerable<(string Name, byte[] Data)> SharedSeeds(string sharedDir)
    {
        string keys = Path.Combine(sharedDir, "vectors", "edk2-capsules", "keys");
        string testRoot = Path.Combine(keys, "edk2-pkcs7-test", "TestRoot.cer");
        string untrustedRoot = Path.Combine(keys, "untrusted-pkcs7", "UntrustedRoot.pub.pem");
        foreach (string path in SharedVectors.SmallEdk2Capsules(sharedDir))
        {
            if (!Path.GetFileName(path).Contains("pkcs7", StringComparison.Ordinal)) continue;
            bool untrusted = Path.GetFileName(path).StartsWith("D_", StringComparison.Ordinal);
            string rootPath = untrusted ? untrustedRoot : testRoot;
            if (!File.Exists(rootPath)) continue;
            byte[] root = untrusted ? PemCertificate.ToDer(File.ReadAllText(rootPath)) : File.ReadAllBytes(rootPath);
            byte[]? framed = FrameCapsule(File.ReadAllBytes(path), root, 0);
            if (framed != null) yield return ("edk2-" + Path.GetFileNameWithoutExtension(path), framed);
        }
    }

    /// <summary>This target's input for a PKCS7 capsule: its CertData, its signed digest and a root. Null when it does not parse.</summary>
    public static byte[]? FrameCapsule(byte[] capsuleFile, byte[] root, byte mode)
    {
        if (CapsuleParser.TryParse(capsuleFile, out FmpCapsule capsule) != CapsuleStatus.Ok || !capsule.Authentication.IsPkcs7)
        {
            return null;
        }
        byte[] digest = new byte[Sha256.DigestSize];
        new CapsuleVerifier(new TrustStore(0, 0, 0)).ComputeSignedDigest(capsule, digest);
        return Frame(mode, digest, root, capsule.CertificateData);
    }

    /// <summary>The root certificate of one of this target's inputs (empty when the input is too short).</summary>
    public static byte[] RootOf(byte[] framed)
    {
        if (framed.Length < HeaderLength) return Array.Empty<byte>();
        int rootLength = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(framed.AsSpan(1 + Sha256.DigestSize)), framed.Length - HeaderLength);
        return framed.AsSpan(HeaderLength, rootLength).ToArray();
    }

    public static byte[] Frame(byte mode, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> root, ReadOnlySpan<byte> certData)
    {
        byte[] framed = new byte[HeaderLength + root.Length + certData.Length];
        framed[0] = mode;
        digest.CopyTo(framed.AsSpan(1));
        BinaryPrimitives.WriteUInt16BigEndian(framed.AsSpan(1 + Sha256.DigestSize), (ushort)root.Length);
        root.CopyTo(framed.AsSpan(HeaderLength));
        certData.CopyTo(framed.AsSpan(HeaderLength + root.Length));
        return framed;
    }
}
