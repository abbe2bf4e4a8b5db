using System;
using System.IO;
using System.Security.Cryptography;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Serving.Membership;

/// <summary>
/// Signs OFFERs with the manager's own RSA-2048 key (`serve --signing-key`, docs/protocol.md §4.2, §6.8):
/// RSASSA-PKCS1-v1_5 with SHA-256 over the OFFER's first 384 bytes and the requester's sender id. A machine
/// configured with the SHA-256 of this key's modulus (`uefirecovery.trust.manager`) takes only these offers.
/// Engine thread only (one <see cref="Sha256"/> scratch).
/// </summary>
public sealed class OfferSigner : IDisposable
{
    private readonly RSA _rsa;
    private readonly byte[] _modulus;
    private readonly Sha256 _sha = new();
    private readonly byte[] _digest = new byte[Sha256.DigestSize];
    private readonly byte[] _signature = new byte[OfferSignature.Rsa2048Bytes];

    private OfferSigner(RSA rsa, byte[] modulus)
    {
        _rsa = rsa;
        _modulus = modulus;
        ModulusSha256Hex = Convert.ToHexStringLower(SHA256.HashData(modulus));
    }

    /// <summary>The value a machine's <c>uefirecovery.trust.manager</c> setting takes for this key.</summary>
    public string ModulusSha256Hex { get; }

    /// <summary>
    /// Loads an RSA-2048 private key (PEM: PKCS#1 "RSA PRIVATE KEY" or unencrypted PKCS#8 "PRIVATE KEY") with
    /// public exponent 65537. Throws <see cref="InvalidDataException"/> saying what is wrong otherwise.
    /// </summary>
    public static OfferSigner Load(string pemPath)
    {
        string text;
        try { text = File.ReadAllText(pemPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read signing key {pemPath}: {e.Message}", e);
        }
        var rsa = RSA.Create();
        try
        {
            try { rsa.ImportFromPem(text); }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"signing key {pemPath} is not an RSA private key in PEM (PKCS#1 or unencrypted PKCS#8): {e.Message}", e);
            }
            catch (CryptographicException e)
            {
                throw new InvalidDataException($"signing key {pemPath} cannot be read as an RSA key: {e.Message}", e);
            }
            if (rsa.KeySize != 2048)
                throw new InvalidDataException($"signing key {pemPath} is RSA-{rsa.KeySize}; OFFERs are signed with RSA-2048 only (docs/protocol.md §4.2)");
            RSAParameters parameters;
            try { parameters = rsa.ExportParameters(includePrivateParameters: true); }
            catch (CryptographicException)
            {
                throw new InvalidDataException($"signing key {pemPath} holds no private key (a public key cannot sign)");
            }
            if (parameters.Exponent is not [0x01, 0x00, 0x01])
                throw new InvalidDataException($"signing key {pemPath} has a public exponent other than 65537, which signed OFFERs assume (docs/protocol.md §4.2)");
            byte[] modulus = parameters.Modulus!;
            if (modulus.Length != OfferSignature.Rsa2048Bytes || modulus[0] < 0x80)
                throw new InvalidDataException($"signing key {pemPath}: the modulus is not 2048 bits");
            return new OfferSigner(rsa, modulus);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Emits <paramref name="offer"/> signed for the machine <paramref name="requesterId"/> at <paramref name="requesterAddress"/> (the
    /// REQUEST's source as seen here, big-endian IPv4) into
    /// <paramref name="destination"/>: a 640-byte datagram.
    /// </summary>
    public WireStatus TryEmit(in OfferMessage offer, Span<byte> destination, in MessageIds ids, ulong requesterId, uint requesterAddress, out int written)
    {
        written = 0;
        WireStatus status = offer.TryBeginSignedEmit(destination, ids, _modulus);
        if (status != WireStatus.Ok) return status;
        if (!OfferSignature.TryComputeDigest(destination.Slice(0, OfferSignature.SignedDatagramLength), requesterId, requesterAddress, _sha, _digest))
            return WireStatus.BufferTooSmall;
        if (!_rsa.TrySignHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out int signed) || signed != _signature.Length)
            return WireStatus.BadField;
        return OfferSignature.TryFinish(destination, _signature, out written);
    }

    public void Dispose() => _rsa.Dispose();
}
