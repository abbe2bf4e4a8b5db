namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>What <see cref="OfferSignature.Check"/> found (docs/protocol.md §6.8).</summary>
public enum OfferSignatureCheck : byte
{
    /// <summary>Never returned: the default value is not a success.</summary>
    None = 0,
    /// <summary>Signed by a trusted manager key, and the signature verifies.</summary>
    Valid,
    /// <summary>No signature (kind 0).</summary>
    Unsigned,
    /// <summary>Signed, but the modulus is not one of the trusted manager keys.</summary>
    UntrustedKey,
    /// <summary>Signed with a trusted modulus, but the signature does not verify.</summary>
    BadSignature,
}
