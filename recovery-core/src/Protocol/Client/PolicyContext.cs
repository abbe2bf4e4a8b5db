namespace UefiRecovery.Core.Protocol.Client;

/// <summary>What the donor policy needs to know about the client's run when it ranks offers (docs/protocol.md §6.4).</summary>
public readonly struct PolicyContext
{
    public PolicyContext(ulong heldImageId, bool ignoreVersionClaims)
    {
        HeldImageId = heldImageId;
        IgnoreVersionClaims = ignoreVersionClaims;
    }

    /// <summary>Image id of the fragments held (0 = none), for <see cref="DonorRule.ResumeHeldImage"/>.</summary>
    public ulong HeldImageId { get; }

    /// <summary>
    /// True once a claim proved false this run (a rejected image, a stalled session, a bad signature): announced
    /// versions no longer rank offers, and ties go to a random draw instead of the first to answer.
    /// </summary>
    public bool IgnoreVersionClaims { get; }
}
