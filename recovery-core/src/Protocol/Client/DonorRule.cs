namespace UefiRecovery.Core.Protocol.Client;

/// <summary>One comparison step of the donor policy (docs/protocol.md §6.4).</summary>
public enum DonorRule : byte
{
    /// <summary>Prefer the higher announced image version (skipped once a claim proved false, §6.4).</summary>
    HighestVersion = 1,
    /// <summary>Prefer a donor earlier in the preferred list; unlisted donors come last.</summary>
    PreferredDonor = 2,
    /// <summary>Prefer the lower advertised donor load.</summary>
    LowestLoad = 3,
    /// <summary>Prefer the image whose fragments are already held (resume).</summary>
    ResumeHeldImage = 4,
    /// <summary>Prefer the earlier offer; always applied last as the final tie-break.</summary>
    FirstOffer = 5,
    /// <summary>Prefer an offer from one of the configured manager addresses.</summary>
    ConfiguredManager = 6,
}
