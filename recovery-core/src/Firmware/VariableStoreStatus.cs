namespace UefiRecovery.Core.Firmware;

/// <summary>Outcome of parsing a VARIABLE_STORE_HEADER (<see cref="VariableStoreHeader.TryParse"/>).</summary>
public enum VariableStoreStatus
{
    Valid,

    /// <summary>Fewer than 28 bytes.</summary>
    TooShort,

    /// <summary>Every byte is FFh: an erased store (EDK2's EfiRaw), e.g. after a firmware re-initialised the FV.</summary>
    Erased,

    /// <summary>Signature is neither gEfiAuthenticatedVariableGuid nor gEfiVariableGuid.</summary>
    BadSignature,

    /// <summary>Format is not VARIABLE_STORE_FORMATTED (5Ah).</summary>
    BadFormat,

    /// <summary>State is not VARIABLE_STORE_HEALTHY (FEh).</summary>
    BadState,

    /// <summary>Size smaller than the header or past the space the caller allows.</summary>
    BadSize,
}
