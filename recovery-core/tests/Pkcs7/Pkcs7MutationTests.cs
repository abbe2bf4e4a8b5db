using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Image.Pkcs7;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// Seeded mutation runs over EDK2 capsule A (PKCS7): the verifier must never crash and must never
/// accept a mutant whose signed bytes changed. "Signed bytes" are, for a CertData mutant, the signed
/// attributes, the signer's signature and every certificate (TBS and signature); for a capsule mutant,
/// the FMP signed data and MonotonicCount. Mutants that only touch unsigned bytes may be accepted
/// (for example SignerInfo.signatureAlgorithm rsaEncryption → sha256WithRSAEncryption, 01 → 0B);
/// the run reports how many were.
/// The bulk runs use <see cref="IdealRsaOracle"/>; a smaller run uses the real RSA code.
/// </summary>
public class Pkcs7MutationTests
{
    public const int CertDataMutants = 100_000;
    public const int CapsuleMutants = 30_000;
    public const int RealRsaMutants = 1_500;
    public const int ResizeMutants = 20_000;

    private readonly ITestOutputHelper _output;

    public Pkcs7MutationTests(ITestOutputHelper output) => _output = output;

    private static readonly byte[] Capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
    private static readonly byte[] OriginalCertData = EdkCapsuleVectors.CertData(Capsule);
    private static readonly byte[] OriginalDigest = EdkCapsuleVectors.SignedContentDigest(Capsule);
    private static readonly byte[] Root = EdkCapsuleVectors.TestRootDer;

    private static IdealRsaOracle RecordOriginal()
    {
        IdealRsaOracle oracle = new IdealRsaOracle();
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(OriginalCertData, OriginalDigest, Root, new IdealRsaOracle.Recording(oracle));
        Assert.True(result.IsVerified);
        Assert.Equal(3, oracle.RealCalls); // signer over signed attributes, TestCert by TestSub, TestSub by TestRoot
        return oracle;
    }

    [Fact]
    public void Verify_CertDataMutantsWithIdealRsa_NeverAcceptChangedSignedBytes()
    {
        IdealRsaOracle oracle = RecordOriginal();
        IdealRsaOracle.Ideal ideal = new IdealRsaOracle.Ideal(oracle);
        (int accepted, int[] failures) = RunCertDataMutants(20261121, CertDataMutants, (mutant) => Pkcs7Verifier.Verify(mutant, OriginalDigest, Root, ideal));
        Report("CertData/ideal RSA", CertDataMutants, accepted, failures);
        Assert.True(oracle.OracleCalls > CertDataMutants / 2, "most mutants must get as far as a signature check");
    }

    /// <summary>
    /// Insertions and deletions inside one element with every enclosing length rewritten to match, so
    /// the mutant stays well-formed DER down to the changed element and gets past the outer layers
    /// (a plain insertion is mostly refused by the first length check).
    /// </summary>
    [Fact]
    public void Verify_CertDataLengthConsistentResizesWithIdealRsa_NeverAcceptChangedSignedBytes()
    {
        IdealRsaOracle oracle = RecordOriginal();
        IdealRsaOracle.Ideal ideal = new IdealRsaOracle.Ideal(oracle);
        var elements = DerLayout.Elements(OriginalCertData);
        Random random = new Random(5652);
        int produced = 0;
        int attempts = 0;
        int accepted = 0;
        int[] failures = new int[256];
        while (produced < ResizeMutants)
        {
            Assert.True(++attempts < ResizeMutants * 4, "too few consistent resizes");
            DerElement target = elements[random.Next(elements.Count)];
            int delta = random.Next(2) == 0 ? random.Next(1, 9) : -Math.Min(random.Next(1, 9), target.ContentLength);
            if (delta == 0)
            {
                continue;
            }
            int position = target.ContentStart + random.Next(target.ContentLength + (delta > 0 ? 1 : delta + 1));
            byte[]? mutant = DerLayout.Resize(OriginalCertData, elements, position, delta, random);
            if (mutant is null)
            {
                continue;
            }
            produced++;
            Pkcs7VerifyResult result = Pkcs7Verifier.Verify(mutant, OriginalDigest, Root, ideal);
            failures[(int)result.Failure]++;
            if (result.IsVerified)
            {
                // e.g. dropping the NULL parameters of an unsigned AlgorithmIdentifier (RFC 5754 allows both)
                accepted++;
                AssertSignedPartsUnchanged(mutant);
            }
        }
        Report("CertData/consistent resizes/ideal RSA", ResizeMutants, accepted, failures);
        Assert.True(failures[(int)Pkcs7Failure.MalformedContentInfo] < ResizeMutants / 10, "resizes must get past the outer layer");
    }

    [Fact]
    public void Verify_CertDataMutantsWithRealRsa_NeverAcceptChangedSignedBytes()
    {
        (int accepted, int[] failures) = RunCertDataMutants(7, RealRsaMutants, (mutant) => Pkcs7Verifier.Verify(mutant, OriginalDigest, Root));
        Report("CertData/real RSA", RealRsaMutants, accepted, failures);
    }

    [Fact]
    public void Verify_CapsuleMutantsWithIdealRsa_NeverAcceptChangedSignedBytes()
    {
        IdealRsaOracle oracle = RecordOriginal();
        IdealRsaOracle.Ideal ideal = new IdealRsaOracle.Ideal(oracle);
        byte[] originalSigned = SignedBytes(Capsule, out _);
        Random random = new Random(424242);
        byte[] buffer = new byte[Capsule.Length + 64];
        int accepted = 0;
        int[] failures = new int[256];
        int unparsed = 0;
        for (int i = 0; i < CapsuleMutants; i++)
        {
            int length = Mutate(Capsule, buffer, random, headerBias: 0x90);
            byte[] mutant = buffer.AsSpan(0, length).ToArray();
            if (CapsuleParser.TryParse(mutant, out FmpCapsule capsule) != CapsuleStatus.Ok || !capsule.Authentication.IsPkcs7)
            {
                unparsed++;
                continue;
            }
            byte[] digest = Digest(capsule);
            Pkcs7VerifyResult result = Pkcs7Verifier.Verify(capsule.CertificateData, digest, Root, ideal);
            failures[(int)result.Failure]++;
            if (result.IsVerified && !mutant.AsSpan().SequenceEqual(Capsule))
            {
                accepted++;
                Assert.Equal(originalSigned, SignedBytes(mutant, out _));
            }
        }
        Report("capsule/ideal RSA (" + unparsed + " refused by the capsule parser)", CapsuleMutants, accepted, failures);
    }

    private static byte[] Digest(FmpCapsule capsule)
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(capsule.SignedData);
        byte[] monotonicCount = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(monotonicCount, capsule.Authentication.MonotonicCount);
        hash.AppendData(monotonicCount);
        return hash.GetHashAndReset();
    }

    /// <summary>SignedData || MonotonicCount as the capsule parser finds them.</summary>
    private static byte[] SignedBytes(byte[] file, out bool parsed)
    {
        parsed = CapsuleParser.TryParse(file, out FmpCapsule capsule) == CapsuleStatus.Ok;
        Assert.True(parsed);
        byte[] signed = new byte[capsule.SignedData.Length + 8];
        capsule.SignedData.CopyTo(signed);
        BinaryPrimitives.WriteUInt64LittleEndian(signed.AsSpan(capsule.SignedData.Length), capsule.Authentication.MonotonicCount);
        return signed;
    }

    private delegate Pkcs7VerifyResult VerifyMutant(byte[] mutant);

    /// <summary>An accepted CertData mutant must carry the original's signed attributes, signature and certificates.</summary>
    private static void AssertSignedPartsUnchanged(byte[] mutant)
    {
        Assert.Equal(Pkcs7Failure.None, CmsSignedData.TryParse(OriginalCertData, Pkcs7Verifier.MaxCertificates, out CmsSignedData original, out _));
        Assert.Equal(Pkcs7Failure.None, CmsSignedData.TryParse(mutant, Pkcs7Verifier.MaxCertificates, out CmsSignedData parsed, out _));
        Assert.Equal(original.SignedAttributesEncoded.ToArray(), parsed.SignedAttributesEncoded.ToArray());
        Assert.Equal(original.Signature.ToArray(), parsed.Signature.ToArray());
        byte[][] originalCertificates = Certificates(original.Certificates);
        byte[][] certificates = Certificates(parsed.Certificates);
        Assert.Equal(originalCertificates.Length, certificates.Length);
        foreach (byte[] certificate in certificates)
        {
            Assert.Contains(originalCertificates, o => o.AsSpan().SequenceEqual(certificate));
        }
    }

    private static (int Accepted, int[] Failures) RunCertDataMutants(int seed, int count, VerifyMutant verify)
    {
        Random random = new Random(seed);
        byte[] buffer = new byte[OriginalCertData.Length + 64];
        int accepted = 0;
        int[] failures = new int[256];
        for (int i = 0; i < count; i++)
        {
            int length = Mutate(OriginalCertData, buffer, random, headerBias: 0);
            byte[] mutant = buffer.AsSpan(0, length).ToArray();
            Pkcs7VerifyResult result = verify(mutant);
            failures[(int)result.Failure]++;
            if (mutant.AsSpan().SequenceEqual(OriginalCertData))
            {
                // A mutation can cancel itself (a byte set to its own value): it must verify like the original.
                Assert.True(result.IsVerified);
                continue;
            }
            if (!result.IsVerified)
            {
                continue;
            }
            accepted++;
            AssertSignedPartsUnchanged(mutant);
        }
        return (accepted, failures);
    }

    private static byte[][] Certificates(CertificateSet set)
    {
        byte[][] result = new byte[set.Count][];
        for (int i = 0; i < set.Count; i++)
        {
            Assert.True(set.TryGet(i, out UefiRecovery.Core.Image.Pkcs7.X509Certificate certificate));
            result[i] = certificate.Encoded.ToArray();
        }
        return result;
    }

    private static readonly byte[] InterestingBytes = { 0x00, 0x01, 0x02, 0x05, 0x0B, 0x1F, 0x30, 0x31, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0xA0, 0xA3, 0xFF };

    /// <summary>
    /// One seeded mutation of <paramref name="original"/> into <paramref name="buffer"/>: bit flips,
    /// random or boundary bytes, insertions, deletions, truncations, duplicated ranges and lying
    /// long-form lengths. <paramref name="headerBias"/> &gt; 0 sends a quarter of the mutants into the
    /// first that many bytes (capsule headers).
    /// </summary>
    private static int Mutate(byte[] original, byte[] buffer, Random random, int headerBias)
    {
        original.CopyTo(buffer, 0);
        int length = original.Length;
        int Position() => headerBias > 0 && random.Next(4) == 0 ? random.Next(Math.Min(headerBias, length)) : random.Next(length);
        int operations = random.Next(8) == 0 ? random.Next(2, 5) : 1;
        for (int op = 0; op < operations && length > 1; op++)
        {
            switch (random.Next(8))
            {
                case 0:
                    buffer[Position()] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    buffer[Position()] = (byte)random.Next(256);
                    break;
                case 2:
                    buffer[Position()] = InterestingBytes[random.Next(InterestingBytes.Length)];
                    break;
                case 3:
                    if (length < buffer.Length)
                    {
                        int at = Position();
                        Array.Copy(buffer, at, buffer, at + 1, length - at);
                        buffer[at] = (byte)random.Next(256);
                        length++;
                    }
                    break;
                case 4:
                    {
                        int at = Position();
                        Array.Copy(buffer, at + 1, buffer, at, length - at - 1);
                        length--;
                    }
                    break;
                case 5:
                    length = random.Next(length);
                    break;
                case 6:
                    {
                        int at = Position();
                        int span = Math.Min(random.Next(1, 17), Math.Min(length - at, buffer.Length - length));
                        Array.Copy(buffer, at, buffer, at + span, length - at);
                        length += span;
                    }
                    break;
                default:
                    {
                        int at = Math.Min(Position(), length - 5);
                        if (at >= 0)
                        {
                            buffer[at] = 0x84;
                            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at + 1), random.Next(2) == 0 ? int.MaxValue : random.Next(0x80, 0x10000));
                        }
                    }
                    break;
            }
        }
        return length;
    }

    private void Report(string name, int count, int accepted, int[] failures)
    {
        _output.WriteLine(name + ": " + count + " mutants, " + failures[0] + " accepted, of which " + accepted
            + " differ from the original (their signed bytes were checked unchanged)");
        for (int i = 0; i < failures.Length; i++)
        {
            if (failures[i] > 0)
            {
                _output.WriteLine("  " + (Pkcs7Failure)i + ": " + failures[i]);
            }
        }
    }
}
