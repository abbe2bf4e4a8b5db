namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>The OFFER's signature kind byte (docs/protocol.md §4.2, §6.8).</summary>
public enum OfferSignatureKind : byte
{
    None = 0,
    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 under a 2048-bit modulus, public exponent 65537.</summary>
    Rsa2048Sha256 = 1,
}
