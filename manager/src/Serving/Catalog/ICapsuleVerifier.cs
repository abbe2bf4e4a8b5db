namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>Checks one capsule file before the catalog offers it: signature by a trusted key, structure, version fields.</summary>
public interface ICapsuleVerifier
{
    CatalogVerdict Verify(string fileName, byte[] capsule);
}
