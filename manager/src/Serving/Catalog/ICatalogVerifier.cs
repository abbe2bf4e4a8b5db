namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// Checks one capsule file before the catalog offers it: signature by a trusted key, structure, version fields.
/// (recovery-core's CapsuleVerifier checks a capsule against one machine's target; implementations use it.)
/// </summary>
public interface ICatalogVerifier
{
    CatalogVerdict Verify(string fileName, byte[] capsule);
}
