using System;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using UefiRecovery.Core.Crypto;
using Xunit;

namespace UefiRecovery.Core.Tests.Crypto;

/// <summary>
/// C2SP Wycheproof RSASSA-PKCS1-v1_5/SHA-256 vectors (shared/vectors/wycheproof). Every "valid" test must
/// verify; every "invalid" and "acceptable" one must be rejected (firmware policy: strict). Valid cases are
/// cross-checked with .NET's RSA.VerifyData.
/// </summary>
public class RsaPkcs1VerifierWycheproofTests
{
    [Theory]
    [InlineData("rsa_signature_2048_sha256_test.json", 259, 9)]
    [InlineData("rsa_signature_3072_sha256_test.json", 259, 8)]
    public void Verify_WycheproofFile_AcceptsExactlyTheValidCases(string file, int expectedTests, int expectedValid)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedVectors.PathOf("wycheproof/" + file)));
        int tests = 0, valid = 0;
        Span<byte> digest = stackalloc byte[32];
        foreach (JsonElement group in document.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            byte[] modulus = Convert.FromHexString(group.GetProperty("publicKey").GetProperty("modulus").GetString()!);
            byte[] exponent = Convert.FromHexString(group.GetProperty("publicKey").GetProperty("publicExponent").GetString()!);
            using RSA dotnet = RSA.Create();
            dotnet.ImportParameters(new RSAParameters { Modulus = modulus.AsSpan(1).ToArray(), Exponent = exponent });

            foreach (JsonElement test in group.GetProperty("tests").EnumerateArray())
            {
                tests++;
                int id = test.GetProperty("tcId").GetInt32();
                byte[] message = Convert.FromHexString(test.GetProperty("msg").GetString()!);
                byte[] signature = Convert.FromHexString(test.GetProperty("sig").GetString()!);
                string expected = test.GetProperty("result").GetString()!;
                Sha256.Hash(message, digest);

                RsaVerifyResult result = RsaPkcs1Verifier.Verify(modulus, exponent, digest, signature);

                if (expected == "valid")
                {
                    valid++;
                    Assert.True(result == RsaVerifyResult.Valid, $"tcId {id} ({file}) valid but got {result}");
                    Assert.True(dotnet.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
                }
                else
                {
                    Assert.True(result != RsaVerifyResult.Valid, $"tcId {id} ({file}) is {expected} but was accepted");
                }
            }
        }
        Assert.Equal(expectedTests, tests);
        Assert.Equal(expectedValid, valid);
    }

    [Fact]
    public void Verify_RandomKeysAndMessages_AgreesWithDotNet()
    {
        var random = new Random(7);
        Span<byte> digest = stackalloc byte[32];
        foreach (int bits in new[] { 2048, 3072, 4096 })
        {
            using RSA key = RSA.Create(bits);
            RSAParameters parameters = key.ExportParameters(false);
            for (int i = 0; i < 4; i++)
            {
                byte[] message = new byte[random.Next(0, 300)];
                random.NextBytes(message);
                byte[] signature = key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                Sha256.Hash(message, digest);
                Assert.Equal(RsaVerifyResult.Valid, RsaPkcs1Verifier.Verify(parameters.Modulus, parameters.Exponent, digest, signature));

                signature[random.Next(signature.Length)] ^= (byte)(1 << random.Next(8));
                bool dotnetAccepts = key.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                Assert.False(dotnetAccepts);
                Assert.NotEqual(RsaVerifyResult.Valid, RsaPkcs1Verifier.Verify(parameters.Modulus, parameters.Exponent, digest, signature));
            }
        }
    }

    [Fact]
    public void Verify_UnsupportedInputs_ReturnPreciseReasons()
    {
        using RSA key = RSA.Create(2048);
        RSAParameters p = key.ExportParameters(false);
        byte[] digest = SHA256.HashData(new byte[] { 1, 2, 3 });
        byte[] signature = key.SignData(new byte[] { 1, 2, 3 }, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.Equal(RsaVerifyResult.Valid, RsaPkcs1Verifier.Verify(p.Modulus, p.Exponent, digest, signature));
        Assert.Equal(RsaVerifyResult.UnsupportedModulusSize, RsaPkcs1Verifier.Verify(p.Modulus.AsSpan(1), p.Exponent, digest, signature));
        byte[] evenModulus = (byte[])p.Modulus!.Clone();
        evenModulus[^1] &= 0xFE;
        Assert.Equal(RsaVerifyResult.ModulusEven, RsaPkcs1Verifier.Verify(evenModulus, p.Exponent, digest, signature));
        Assert.Equal(RsaVerifyResult.InvalidExponent, RsaPkcs1Verifier.Verify(p.Modulus, new byte[] { 1 }, digest, signature));
        Assert.Equal(RsaVerifyResult.InvalidExponent, RsaPkcs1Verifier.Verify(p.Modulus, new byte[] { 0x01, 0x00, 0x00 }, digest, signature));
        Assert.Equal(RsaVerifyResult.InvalidExponent, RsaPkcs1Verifier.Verify(p.Modulus, Array.Empty<byte>(), digest, signature));
        Assert.Equal(RsaVerifyResult.InvalidDigestLength, RsaPkcs1Verifier.Verify(p.Modulus, p.Exponent, digest.AsSpan(1), signature));
        Assert.Equal(RsaVerifyResult.SignatureLengthMismatch, RsaPkcs1Verifier.Verify(p.Modulus, p.Exponent, digest, signature.AsSpan(1)));
        Assert.Equal(RsaVerifyResult.SignatureOutOfRange, RsaPkcs1Verifier.Verify(p.Modulus, p.Exponent, digest, p.Modulus));
        digest[0] ^= 1;
        Assert.Equal(RsaVerifyResult.EncodingMismatch, RsaPkcs1Verifier.Verify(p.Modulus, p.Exponent, digest, signature));
    }
}
