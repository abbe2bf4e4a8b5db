using System;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Image;

/// <summary>
/// The machine's Root of Trust for Update key store (NIST SP 800-147 2-B/2-C, SP 800-193 4.1): SHA-256
/// hashes of trusted RSA moduli (EDK2 PcdRsa2048Sha256PublicKeyBuffer model) and trusted root certificates
/// (DER) for PKCS7 capsules. More than one entry of each allows key rotation (SP 800-193 3.5.1).
/// All storage is allocated once, in the constructor; adding never allocates.
/// </summary>
public sealed class TrustStore
{
    private readonly byte[] _keyHashes;
    private readonly byte[] _certificatePool;
    private readonly int[] _certificateOffsets;
    private readonly int[] _certificateLengths;
    private int _keyHashCount;
    private int _certificateCount;
    private int _certificatePoolUsed;

    public TrustStore(int maxKeyHashes, int maxRootCertificates, int certificatePoolBytes)
    {
        _keyHashes = new byte[Math.Max(0, maxKeyHashes) * Sha256.DigestSize];
        _certificateOffsets = new int[Math.Max(0, maxRootCertificates)];
        _certificateLengths = new int[Math.Max(0, maxRootCertificates)];
        _certificatePool = new byte[Math.Max(0, certificatePoolBytes)];
    }

    public int KeyHashCount => _keyHashCount;

    public int RootCertificateCount => _certificateCount;

    /// <summary>Adds SHA-256(modulus) as trusted. False when the store is full or the hash is not 32 bytes.</summary>
    public bool TryAddKeyHash(ReadOnlySpan<byte> modulusSha256)
    {
        if (modulusSha256.Length != Sha256.DigestSize || (_keyHashCount + 1) * Sha256.DigestSize > _keyHashes.Length)
        {
            return false;
        }
        modulusSha256.CopyTo(_keyHashes.AsSpan(_keyHashCount * Sha256.DigestSize, Sha256.DigestSize));
        _keyHashCount++;
        return true;
    }

    /// <summary>Copies a DER root certificate into the store. False when it does not fit.</summary>
    public bool TryAddRootCertificate(ReadOnlySpan<byte> certificateDer)
    {
        if (certificateDer.IsEmpty || _certificateCount == _certificateOffsets.Length
            || certificateDer.Length > _certificatePool.Length - _certificatePoolUsed)
        {
            return false;
        }
        certificateDer.CopyTo(_certificatePool.AsSpan(_certificatePoolUsed));
        _certificateOffsets[_certificateCount] = _certificatePoolUsed;
        _certificateLengths[_certificateCount] = certificateDer.Length;
        _certificatePoolUsed += certificateDer.Length;
        _certificateCount++;
        return true;
    }

    /// <summary>The index-th trusted root certificate (DER); empty when out of range.</summary>
    public ReadOnlySpan<byte> GetRootCertificate(int index)
    {
        if (index < 0 || index >= _certificateCount)
        {
            return default;
        }
        return _certificatePool.AsSpan(_certificateOffsets[index], _certificateLengths[index]);
    }

    /// <summary>The index-th trusted key hash; empty when out of range.</summary>
    public ReadOnlySpan<byte> GetKeyHash(int index)
    {
        if (index < 0 || index >= _keyHashCount)
        {
            return default;
        }
        return _keyHashes.AsSpan(index * Sha256.DigestSize, Sha256.DigestSize);
    }

    /// <summary>True when SHA-256 of <paramref name="modulusBigEndian"/> (exactly these bytes) is a trusted hash.</summary>
    public bool IsKeyTrusted(ReadOnlySpan<byte> modulusBigEndian)
    {
        Span<byte> hash = stackalloc byte[Sha256.DigestSize];
        Sha256.Hash(modulusBigEndian, hash);
        for (int i = 0; i < _keyHashCount; i++)
        {
            if (hash.SequenceEqual(_keyHashes.AsSpan(i * Sha256.DigestSize, Sha256.DigestSize)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Forgets every entry (storage stays allocated).</summary>
    public void Clear()
    {
        _keyHashCount = 0;
        _certificateCount = 0;
        _certificatePoolUsed = 0;
    }
}
