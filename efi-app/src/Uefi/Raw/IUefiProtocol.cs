namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// A raw protocol interface struct that knows its own GUID, so the safe layer can open it by type
/// (<c>boot.OpenExclusive&lt;SimpleNetworkProtocol&gt;(handle)</c>). Static abstract: resolved at
/// compile time for each struct, no instance and no boxing needed.
/// </summary>
public interface IUefiProtocol
{
    static abstract EfiGuid Guid { get; }
}
