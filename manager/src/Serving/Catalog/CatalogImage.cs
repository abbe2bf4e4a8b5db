using System;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>A verified capsule the manager offers: its bytes as served, its digest, and its identity.</summary>
public sealed record CatalogImage(
    string Name,
    string FilePath,
    byte[] Bytes,
    byte[] Sha256,
    Guid ImageTypeId,
    uint Version,
    uint LowestSupportedVersion,
    DateTime LastWriteUtc)
{
    public string DigestHex => Convert.ToHexStringLower(Sha256);
}

/// <summary>A capsule the catalog refused to offer, and why (shown in the status and logged at every load).</summary>
public sealed record CatalogRejection(string Name, string Reason);
