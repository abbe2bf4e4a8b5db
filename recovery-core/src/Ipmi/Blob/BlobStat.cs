namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>Stat / SessionStat's answer: the state bits (<see cref="BlobState"/>), the size, the metadata's length.</summary>
public struct BlobStat
{
    public ushort State;
    public uint Size;
    public int MetadataLength;

    public readonly bool Has(ushort bit) => (State & bit) != 0;
}
