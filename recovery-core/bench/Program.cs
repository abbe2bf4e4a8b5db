using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Security.Cryptography;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Image.Pkcs7;

namespace UefiRecovery.Core.Bench;

/// <summary>
/// A simple measured loop (no BenchmarkDotNet: the whole run must stay within a minute or two on a shared
/// 2-core machine). Prints figures only; nothing is asserted. Each figure is the best of several rounds.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string vectors = Path.Combine(SharedDir(), "vectors", "edk2-capsules");
        Console.WriteLine($"UefiRecovery.Core benchmarks ({RuntimeInfo()})");
        if (args.Length > 0 && args[0] == "fec")
        {
            ErasureCodeThroughput();
            return 0;
        }

        ErasureCodeThroughput();
        Sha256Throughput();
        Crc32Throughput();
        RsaVerifyTime(vectors);
        Pkcs7VerifyTime(vectors);
        LargeCapsuleVerifyTime(vectors);
        return 0;
    }

    private static void Sha256Throughput()
    {
        byte[] data = new byte[8 << 20];
        new Random(1).NextBytes(data);
        byte[] digest = new byte[32];
        double portable = BestSeconds(5, () => Sha256.Hash(data, digest));
        double bcl = BestSeconds(5, () => SHA256.HashData(data, digest));
        double mb = data.Length / 1e6;
        Console.WriteLine($"SHA-256 8 MiB: portable {mb / portable,8:F1} MB/s, .NET SHA256 {mb / bcl,8:F1} MB/s, portable/.NET = {bcl / portable:F3}");
    }

    // Every receiver CRC-checks every DATA (docs/protocol.md §3.4); measured per 1,472-byte datagram, the
    // protocol's slicing-by-8 against the one-table loop it replaced (kept here only as the yardstick).
    private static void Crc32Throughput()
    {
        byte[] datagram = new byte[1472];
        new Random(2).NextBytes(datagram);
        const int Datagrams = 20000;
        uint sink = 0;
        double sliced = BestSeconds(5, () => { for (int i = 0; i < Datagrams; i++) sink ^= Protocol.Wire.Crc32.AppendSlicingBy8(0, datagram); });
        double oneTable = BestSeconds(5, () => { for (int i = 0; i < Datagrams; i++) sink ^= OneTableCrc(datagram); });
        // The host build's message check (header by table, the rest folded with PCLMULQDQ; Crc32.Host.cs).
        double folded = BestSeconds(5, () => { for (int i = 0; i < Datagrams; i++) sink ^= Protocol.Wire.Crc32.ComputeWithZeroedWord(datagram, 28); });
        double mb = (double)datagram.Length * Datagrams / 1e6;
        Console.WriteLine($"CRC-32 over 1472-byte datagrams: slicing-by-8 {mb / sliced,8:F1} MB/s ({sliced / Datagrams * 1e9,6:F0} ns each), one table {mb / oneTable,8:F1} MB/s ({oneTable / Datagrams * 1e9,6:F0} ns each){(sink == 1 ? " " : "")}");
        Console.WriteLine($"CRC-32 message check, host build (PCLMULQDQ folding: {Protocol.Wire.Crc32.FoldingSupported}): {mb / folded,8:F1} MB/s ({folded / Datagrams * 1e9,6:F0} ns each), firmware slicing-by-8 {sliced / Datagrams * 1e9,6:F0} ns");
    }

    // FEC (docs/protocol.md §5.5): the donor encodes parity per block, a machine decodes only what it lost.
    // Blocks of 64 fragments of 1432 bytes; decode with 1 and with 7 of 64 missing (about the worst block of a
    // 5 % loss run) and the most (16, the client's decoder size).
    private static void ErasureCodeThroughput()
    {
        const int F = 1432;
        const int K = 64;
        byte[] block = new byte[K * F];
        new Random(3).NextBytes(block);
        var code = new Protocol.Fec.ErasureCode(16, F);
        byte[] parity = new byte[F];
        const int Blocks = 50;
        double encode = BestSeconds(7, () => { for (int b = 0; b < Blocks; b++) code.TryEncode(block, F, b % 16, parity); });
        Console.WriteLine($"FEC encode, one parity of a 64 x 1432-byte block: {encode / Blocks * 1e6,8:F0} us ({(double)K * F * Blocks / encode / 1e6,6:F1} MB of source per s; a 32 MiB image at 10 % parity: {encode / Blocks * 6.4 * (32 << 20) / (K * F),5:F2} s)");
        foreach (int missing in new[] { 1, 7, 16 })
        {
            byte[] pool = new byte[missing * F];
            byte[] indices = new byte[missing];
            ushort[] slots = new ushort[missing];
            byte[][] parities = new byte[missing][];
            for (int r = 0; r < missing; r++)
            {
                indices[r] = (byte)(r * 3);
                slots[r] = (ushort)r;
                parities[r] = new byte[F];
                code.TryEncode(block, F, indices[r], parities[r]);
            }
            byte[] lost = new byte[missing];
            for (int c = 0; c < missing; c++) lost[c] = (byte)(c * 4);
            byte[] work = (byte[])block.Clone();
            double decode = BestSeconds(7, () =>
            {
                for (int b = 0; b < Blocks; b++)
                {
                    for (int r = 0; r < missing; r++) parities[r].CopyTo(pool, r * F);
                    code.TryDecode(work, F, lost, indices, pool, slots);
                }
            });
            Console.WriteLine($"FEC decode, {missing,2} of 64 fragments missing: {decode / Blocks * 1e6,8:F0} us per block ({(double)missing * F * Blocks / decode / 1e6,6:F1} MB restored per s){(work.AsSpan().SequenceEqual(block) ? "" : " WRONG")}");
        }
    }

    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    private static uint OneTableCrc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data) c = CrcTable[(int)((c ^ b) & 0xFF)] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    private static void RsaVerifyTime(string vectors)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(vectors, "rsa2048", "A_rsa2048_testkey_payload4k.cap"));
        CapsuleParser.TryParse(file, out FmpCapsule capsule);
        byte[] modulus = capsule.CertificateData.Slice(16, 256).ToArray();
        byte[] signature = capsule.CertificateData.Slice(272, 256).ToArray();
        byte[] digest = new byte[32];
        new CapsuleVerifier(new TrustStore(1, 1, 1)).ComputeSignedDigest(capsule, digest);
        byte[] exponent = { 1, 0, 1 };
        const int iterations = 200;
        double seconds = BestSeconds(3, () =>
        {
            for (int i = 0; i < iterations; i++)
            {
                if (RsaPkcs1Verifier.Verify(modulus, exponent, digest, signature) != RsaVerifyResult.Valid)
                {
                    throw new InvalidOperationException("vector A no longer verifies");
                }
            }
        });
        using RSA rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = exponent });
        double bcl = BestSeconds(3, () =>
        {
            for (int i = 0; i < iterations; i++)
            {
                rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        });
        Console.WriteLine($"RSA-2048 PKCS#1 v1.5 verify: portable {seconds / iterations * 1e6,8:F1} us, .NET (OpenSSL) {bcl / iterations * 1e6,8:F1} us");
    }

    private static void Pkcs7VerifyTime(string vectors)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(vectors, "pkcs7", "A_pkcs7_payload4k.cap"));
        byte[] root = File.ReadAllBytes(Path.Combine(vectors, "keys", "edk2-pkcs7-test", "TestRoot.cer"));
        CapsuleParser.TryParse(file, out FmpCapsule capsule);
        byte[] certData = capsule.CertificateData.ToArray();
        byte[] digest = new byte[32];
        new CapsuleVerifier(new TrustStore(1, 1, 1)).ComputeSignedDigest(capsule, digest);
        const int iterations = 50;
        double seconds = BestSeconds(3, () =>
        {
            for (int i = 0; i < iterations; i++)
            {
                if (!Pkcs7Verifier.Verify(certData, digest, root).IsVerified)
                {
                    throw new InvalidOperationException("pkcs7 vector A no longer verifies");
                }
            }
        });
        Console.WriteLine($"PKCS7 (CMS + 2-cert chain, 3 RSA-2048 verifies) verify: {seconds / iterations * 1e3,8:F3} ms");
    }

    private static void LargeCapsuleVerifyTime(string vectors)
    {
        // A 32 MiB payload signed with the EDK2 test key, in EDK2's RSA2048 layout.
        byte[] payload = new byte[32 << 20];
        new Random(2).NextBytes(payload);
        string pem = File.ReadAllText(Path.Combine(vectors, "keys", "edk2-rsa2048-test", "TestSigningPrivateKey.pem"));
        byte[] capsuleBytes = BuildRsa2048Capsule(payload, pem);
        var trust = new TrustStore(1, 1, 1);
        trust.TryAddKeyHash(File.ReadAllBytes(Path.Combine(vectors, "keys", "edk2-rsa2048-test", "TestSigningPublicKey.bin")));
        var verifier = new CapsuleVerifier(trust);
        EfiGuid.TryParse("6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10", out EfiGuid type);
        var target = new UpdateTarget(type, 1, 0, 0, 0, ulong.MaxValue);
        double seconds = BestSeconds(3, () =>
        {
            if (verifier.Verify(capsuleBytes, target, out _).Status != CapsuleStatus.Ok)
            {
                throw new InvalidOperationException("32 MiB capsule rejected");
            }
        });
        Console.WriteLine($"Verify 32 MiB RSA2048 capsule (parse + SHA-256 + RSA + policy): {seconds * 1e3,8:F1} ms ({capsuleBytes.Length / 1e6 / seconds:F1} MB/s)");
    }

    private static byte[] BuildRsa2048Capsule(byte[] payload, string privateKeyPem)
    {
        using RSA key = RSA.Create();
        key.ImportFromPem(privateKeyPem);
        int signedLength = 16 + payload.Length;
        int total = 0x20 + 0x10 + 48 + 8 + 0x228 + signedLength;
        byte[] file = new byte[total];
        Span<byte> f = file;
        CapsuleGuids.FmpCapsule.TryWrite(f);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(16), 0x20);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(24), (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(0x20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(f.Slice(0x26), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(f.Slice(0x28), 0x10);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(0x30), 3);
        EfiGuid.TryParse("6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10", f.Slice(0x34));
        f[0x44] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(0x48), (uint)(8 + 0x228 + signedLength));
        BinaryPrimitives.WriteUInt64LittleEndian(f.Slice(0x58), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(0x68), 0x228);
        BinaryPrimitives.WriteUInt16LittleEndian(f.Slice(0x6C), 0x0200);
        BinaryPrimitives.WriteUInt16LittleEndian(f.Slice(0x6E), 0x0EF1);
        CapsuleGuids.CertTypeRsa2048Sha256.TryWrite(f.Slice(0x70));
        CapsuleGuids.HashAlgorithmSha256.TryWrite(f.Slice(0x80));
        key.ExportParameters(false).Modulus!.CopyTo(f.Slice(0x90));
        Span<byte> signed = f.Slice(0x290);
        BinaryPrimitives.WriteUInt32LittleEndian(signed, FmpPayloadHeader.ExpectedSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(signed.Slice(4), 16);
        BinaryPrimitives.WriteUInt32LittleEndian(signed.Slice(8), 0x00010002);
        BinaryPrimitives.WriteUInt32LittleEndian(signed.Slice(12), 0x00010000);
        payload.CopyTo(signed.Slice(16));
        byte[] toSign = new byte[signedLength + 8]; // MonotonicCount 0
        signed.CopyTo(toSign);
        key.SignData(toSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CopyTo(f.Slice(0x190));
        return file;
    }

    private static double BestSeconds(int rounds, Action action)
    {
        action(); // warm-up (JIT, tiering)
        double best = double.MaxValue;
        for (int i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static string SharedDir()
    {
        foreach (var attribute in typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "SharedDir" && attribute.Value is not null)
            {
                return attribute.Value;
            }
        }
        throw new InvalidOperationException("SharedDir metadata missing");
    }

    private static string RuntimeInfo() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} cores"
#if DEBUG
        + ", DEBUG build: figures are not representative"
#endif
        ;
}
