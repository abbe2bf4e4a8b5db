namespace UefiRecovery.Manager.Serving.Membership;

/// <summary>
/// What the manager proves and checks with (docs/protocol.md §7.4, §6.8): the keys its member tokens and
/// abort keys come from, whether they survive a restart, and the optional OFFER signing key.
/// </summary>
public sealed record DonorCredentials(MembershipKeys Keys, string? SecretFile, OfferSigner? Signer);
