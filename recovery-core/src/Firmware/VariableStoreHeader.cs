using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Firmware;

/// <summary>
/// VARIABLE_STORE_HEADER (EDK2 MdeModulePkg/Include/Guid/VariableFormat.h): Signature GUID, Size
/// (UINT32, header included), Format (5Ah = formatted), State (FEh = healthy), Reserved UINT16 and
/// UINT32: 28 bytes. EDK2's variable driver (GetVariableStoreStatus) accepts exactly these values;
/// in an NV FV it starts at the FV header's HeaderLength.
/// </summary>
public readonly struct VariableStoreHeader
{
    public const int Length = 28;
    public const byte FormatFormatted = 0x5A;
    public const byte StateHealthy = 0xFE;

    /// <summary>gEfiAuthenticatedVariableGuid AAF32C78-947B-439A-A180-2E144EC37792 (OVMF's store).</summary>
    public static EfiGuid AuthenticatedVariableGuid => new(0xAAF32C78, 0x947B, 0x439A, 0xA1, 0x80, 0x2E, 0x14, 0x4E, 0xC3, 0x77, 0x92);

    /// <summary>gEfiVariableGuid DDCF3616-3275-4164-98B6-FE85707FFE7D (stores without authenticated variables).</summary>
    public static EfiGuid VariableGuid => new(0xDDCF3616, 0x3275, 0x4164, 0x98, 0xB6, 0xFE, 0x85, 0x70, 0x7F, 0xFE, 0x7D);

    private VariableStoreHeader(EfiGuid signature, uint size)
    {
        SignatureGuid = signature;
        Size = size;
    }

    public EfiGuid SignatureGuid { get; }

    /// <summary>Bytes of the store, header included.</summary>
    public uint Size { get; }

    public bool IsAuthenticated => SignatureGuid.Equals(AuthenticatedVariableGuid);

    /// <summary>
    /// Parses the header at the start of <paramref name="bytes"/>; <paramref name="maximumSize"/> is the
    /// room the store may occupy (FvLength minus the FV header).
    /// </summary>
    public static VariableStoreStatus TryParse(ReadOnlySpan<byte> bytes, ulong maximumSize, out VariableStoreHeader header)
    {
        header = default;
        if (bytes.Length < Length)
        {
            return VariableStoreStatus.TooShort;
        }
        bool erased = true;
        for (int i = 0; i < Length; i++)
        {
            if (bytes[i] != 0xFF)
            {
                erased = false;
                break;
            }
        }
        if (erased)
        {
            return VariableStoreStatus.Erased;
        }

        EfiGuid.TryRead(bytes, out EfiGuid signature);
        if (!signature.Equals(AuthenticatedVariableGuid) && !signature.Equals(VariableGuid))
        {
            return VariableStoreStatus.BadSignature;
        }
        if (bytes[20] != FormatFormatted)
        {
            return VariableStoreStatus.BadFormat;
        }
        if (bytes[21] != StateHealthy)
        {
            return VariableStoreStatus.BadState;
        }
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(16));
        if (size < Length || size > maximumSize)
        {
            return VariableStoreStatus.BadSize;
        }
        header = new VariableStoreHeader(signature, size);
        return VariableStoreStatus.Valid;
    }
}
