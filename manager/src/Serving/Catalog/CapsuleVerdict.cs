using System;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// What the verifier answered for one capsule: accepted with the identity the catalog matches requests
/// on (FMP image type GUID, version, lowest supported version), or rejected with a reason for the operator.
/// </summary>
public sealed record CapsuleVerdict(bool Accepted, string Reason, Guid ImageTypeId, uint Version, uint LowestSupportedVersion)
{
    public static CapsuleVerdict Reject(string reason) => new(false, reason, Guid.Empty, 0, 0);
    public static CapsuleVerdict Accept(Guid imageTypeId, uint version, uint lowestSupportedVersion) =>
        new(true, "ok", imageTypeId, version, lowestSupportedVersion);
}
