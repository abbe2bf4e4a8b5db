namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The part of an OFFER that ties everything after it to this offer (docs/protocol.md §4.2): the member
/// token the client's messages carry (§7.4), the fragment manifest root and group shift DATA and MANIFEST
/// are checked against (§5.4), and the commitment an ABORT's key must open (§4.9).
/// </summary>
public readonly struct OfferBinding(ulong memberToken, Hash128 manifestRoot, byte groupShift, Hash128 abortCommitment)
{
    /// <summary>Nonzero secret for this membership; ACCEPT, STATUS, RESULT and ABORT carry it.</summary>
    public ulong MemberToken { get; } = memberToken;

    /// <summary>Root of the fragment Merkle tree for this image and fragment size.</summary>
    public Hash128 ManifestRoot { get; } = manifestRoot;

    /// <summary>A MANIFEST covers 2^shift fragments (capped by the tree's depth).</summary>
    public byte GroupShift { get; } = groupShift;

    /// <summary>First 16 bytes of SHA-256 of the abort key that ends this membership.</summary>
    public Hash128 AbortCommitment { get; } = abortCommitment;
}
