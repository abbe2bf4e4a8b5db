namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>Why an SMBIOS entry point was rejected (or <see cref="Valid"/>).</summary>
public enum SmbiosEntryPointStatus
{
    Valid,

    /// <summary>Fewer bytes than the fixed structure or than EntryPointLength.</summary>
    Truncated,

    /// <summary>Not "_SM_" / "_SM3_".</summary>
    BadAnchor,

    /// <summary>EntryPointLength smaller than the structure the version defines.</summary>
    BadLength,

    /// <summary>The bytes of the entry point do not sum to zero.</summary>
    BadChecksum,

    /// <summary>2.1 only: the intermediate anchor is not "_DMI_".</summary>
    BadIntermediateAnchor,

    /// <summary>2.1 only: the intermediate entry point (offset 10h..1Eh) does not sum to zero.</summary>
    BadIntermediateChecksum,
}
