using System;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// The catalog's answer for one capsule file (recovery-core's CapsuleVerdict is a machine's answer):
/// accepted with the identity the catalog matches requests on (FMP image type GUID, version, lowest
/// supported version), or rejected with a reason for the operator.
/// </summary>
public sealed record CatalogVerdict(bool Accepted, string Reason, Guid ImageTypeId, uint Version, uint LowestSupportedVersion)
{
    public static CatalogVerdict Reject(string reason) => new(false, reason, Guid.Empty, 0, 0);
    public static CatalogVerdict Accept(Guid imageTypeId, uint version, uint lowestSupportedVersion) =>
        new(true, "ok", imageTypeId, version, lowestSupportedVersion);
}
