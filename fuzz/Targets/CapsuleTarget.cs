using System;
using System.Collections.Generic;
using System.IO;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Image.Pkcs7;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// A whole capsule file, as the firmware receives it: <see cref="CapsuleParser"/>, then
/// <see cref="CapsuleVerifier.Verify"/> (SHA-256, RSA2048 or PKCS7, policy, dependency expression).
/// To get past the trust check at all, the harness trusts the anchors the input carries (the RSA2048
/// modulus; the first and last PKCS7 certificate): a random capsule can never carry a trusted
/// signature, and the trust decision itself is covered by the unit and differential tests. When the
/// PKCS7 CertData does not even parse, the root of the checked-in pkcs7 seed is trusted instead, so the
/// verifier still parses the mutated CMS. Policy and the dependency expression are also run whether or
/// not the signature holds.
/// </summary>
public sealed class CapsuleTarget : FuzzTarget
{
    private const int RsaModulusOffset = 16;
    private const int RsaModulusLength = 256;

    private readonly TrustStore _trust = new TrustStore(1, 2, 2 * 8192);
    private readonly CapsuleVerifier _verifier;

    private readonly byte[] _fallbackRoot;

    public CapsuleTarget()
    {
        _verifier = new CapsuleVerifier(_trust);
        string seed = Path.Combine(Seeds.CheckedInCorpus.Folder(Paths.FuzzDir, "pkcs7"), "gen-pkcs7-attributes.bin");
        _fallbackRoot = File.Exists(seed) ? Pkcs7Target.RootOf(File.ReadAllBytes(seed)) : Array.Empty<byte>();
    }

    public override string Name => "capsule";

    public override string Description =>
        "FMP capsule file: CapsuleParser, CapsuleVerifier (RSA2048/PKCS7 with the anchors the input carries), policy, dependency expression";

    public override void Run(ReadOnlySpan<byte> input)
    {
        _trust.Clear();
        CapsuleStatus parsed = CapsuleParser.TryParse(input, out FmpCapsule capsule);
        if (parsed != CapsuleStatus.Ok)
        {
            CapsuleVerdict rejected = _verifier.Verify(input, default, out _);
            InvariantViolation.Check(rejected.Status == parsed, "Verify and TryParse disagree on a malformed capsule");
            return;
        }

        TrustCarriedAnchors(capsule);
        // The machine the capsule was made for: every policy check passes unless the capsule contradicts itself.
        var target = new UpdateTarget(
            capsule.ImageHeader.UpdateImageTypeId, capsule.ImageHeader.UpdateImageIndex, capsule.ImageHeader.UpdateHardwareInstance,
            capsule.PayloadHeader.LowestSupportedVersion, capsule.PayloadHeader.FwVersion, (ulong)capsule.Payload.Length);
        CapsuleVerdict verdict = _verifier.Verify(input, target, out _);
        CapsuleStatus policy = CapsuleVerifier.CheckPolicy(capsule, target);
        InvariantViolation.Check(!verdict.IsAccepted || policy == CapsuleStatus.Ok, "accepted capsule fails its own policy");
        InvariantViolation.Check(verdict.Status != CapsuleStatus.None, "Verify returned None");

        // A machine with another image type and a higher floor: the policy must refuse, never throw.
        var other = new UpdateTarget(default, 7, 3, uint.MaxValue, 0, 0);
        InvariantViolation.Check(CapsuleVerifier.CheckPolicy(capsule, other) != CapsuleStatus.Ok, "policy accepted a foreign target");
        if (!capsule.Dependency.IsEmpty)
        {
            FirmwareImageDependency.Evaluate(capsule.Dependency, capsule.ImageHeader.UpdateImageTypeId, 0);
        }
    }

    private void TrustCarriedAnchors(FmpCapsule capsule)
    {
        ReadOnlySpan<byte> certData = capsule.CertificateData;
        if (capsule.Authentication.IsRsa2048Sha256 && certData.Length >= RsaModulusOffset + RsaModulusLength)
        {
            Span<byte> hash = stackalloc byte[Sha256.DigestSize];
            Sha256.Hash(certData.Slice(RsaModulusOffset, RsaModulusLength), hash);
            _trust.TryAddKeyHash(hash);
        }
        else if (capsule.Authentication.IsPkcs7)
        {
            if (CmsSignedData.TryParse(certData, Pkcs7Verifier.MaxCertificates, out CmsSignedData signedData, out _) == Pkcs7Failure.None
                && signedData.Certificates.Count > 0)
            {
                CertificateSet certificates = signedData.Certificates;
                if (certificates.TryGet(certificates.Count - 1, out X509Certificate last)) _trust.TryAddRootCertificate(last.Encoded);
                if (certificates.Count > 1 && certificates.TryGet(0, out X509Certificate first)) _trust.TryAddRootCertificate(first.Encoded);
            }
            else
            {
                _trust.TryAddRootCertificate(_fallbackRoot);
            }
        }
    }

    /// <summary>The small EDK2 capsules (A, C, D of both sets); the 0.5 MiB B capsules are too slow per execution.</summary>
    public override IEnumerable<(string Name, byte[] Data)> SharedSeeds(string sharedDir)
    {
        foreach (string path in SharedVectors.SmallEdk2Capsules(sharedDir))
        {
            yield return ("edk2-" + Path.GetFileNameWithoutExtension(path), File.ReadAllBytes(path));
        }
    }
}
