using System;
using System.Runtime.InteropServices;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>
/// SNP and FVB2 protocol structs in native memory whose slots are [UnmanagedCallersOnly] fakes. Each
/// fake writes plausible-looking garbage behind its out-pointers whenever it fails, so a wrapper that
/// reads them after a failure is caught.
/// </summary>
internal sealed unsafe class FakeDevices : IDisposable
{
    public static EfiStatus NextStatus;

    /// <summary>Receive: the length and header size the fake driver reports on success.</summary>
    public static nuint ReceiveLength;
    public static nuint ReceiveHeaderSize;

    /// <summary>Read/Write: how many bytes the fake reports as transferred (null: all requested).</summary>
    public static nuint? TransferredOverride;

    public static ulong EraseLba;
    public static nuint EraseCount;
    public static ulong EraseTerminator;
    public static nint TransmitBuffer;
    public static nuint TransmitLength;
    public static nuint TransmitHeaderSize;
    public static nuint StatisticsSizeGiven;

    public SimpleNetworkProtocol* Snp { get; }
    public FirmwareVolumeBlock2Protocol* Fvb { get; }

    public FakeDevices()
    {
        NextStatus = EfiStatus.Success;
        ReceiveLength = 0;
        ReceiveHeaderSize = 0;
        TransferredOverride = null;
        EraseLba = 0;
        EraseCount = 0;
        EraseTerminator = 0;
        TransmitBuffer = 0;
        TransmitLength = 0;
        TransmitHeaderSize = 99;

        Snp = (SimpleNetworkProtocol*)NativeMemory.AllocZeroed((nuint)sizeof(SimpleNetworkProtocol));
        Snp->Receive = &Receive;
        Snp->Transmit = &Transmit;
        Snp->Statistics = &Statistics;
        Snp->GetStatus = &GetStatus;

        Fvb = (FirmwareVolumeBlock2Protocol*)NativeMemory.AllocZeroed((nuint)sizeof(FirmwareVolumeBlock2Protocol));
        Fvb->GetAttributes = &GetAttributes;
        Fvb->GetBlockSize = &GetBlockSize;
        Fvb->Read = &Read;
        Fvb->Write = &Write;
        Fvb->EraseBlocks = &EraseBlocks;
    }

    public void Dispose()
    {
        NativeMemory.Free(Snp);
        NativeMemory.Free(Fvb);
    }

    [UnmanagedCallersOnly]
    private static EfiStatus Receive(SimpleNetworkProtocol* self, nuint* headerSize, nuint* bufferSize, void* buffer, MacAddress* source, MacAddress* destination, ushort* protocol)
    {
        if (NextStatus != EfiStatus.Success)
        {
            *headerSize = 14;
            *bufferSize = 60;
            source->Addr[0] = 0xEE;
            *protocol = 0x0800;
            return NextStatus;
        }

        *headerSize = ReceiveHeaderSize;
        *bufferSize = ReceiveLength;
        source->Addr[0] = 0x52;
        destination->Addr[0] = 0xFF;
        *protocol = 0x0806;
        return NextStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus Transmit(SimpleNetworkProtocol* self, nuint headerSize, nuint bufferSize, void* buffer, MacAddress* source, MacAddress* destination, ushort* protocol)
    {
        TransmitHeaderSize = headerSize;
        TransmitLength = bufferSize;
        TransmitBuffer = (nint)buffer;
        return NextStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus Statistics(SimpleNetworkProtocol* self, byte reset, nuint* size, NetworkStatistics* table)
    {
        // No Assert here: an exception cannot leave an UnmanagedCallersOnly method.
        StatisticsSizeGiven = *size;
        table->RxTotalFrames = NextStatus == EfiStatus.Success ? 7UL : 0xDEAD;
        return NextStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus GetStatus(SimpleNetworkProtocol* self, uint* interrupts, void** recycled)
    {
        *interrupts = SimpleNetworkInterrupt.Transmit;
        *recycled = (void*)0x4000;
        return NextStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus GetAttributes(FirmwareVolumeBlock2Protocol* self, uint* attributes)
    {
        *attributes = NextStatus == EfiStatus.Success ? 0x0004FEFFu : 0xDEADu;
        return NextStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus GetBlockSize(FirmwareVolumeBlock2Protocol* self, ulong lba, nuint* blockSize, nuint* count)
    {
        *blockSize = 0x1000;
        *count = (nuint)(132 - lba);
        return NextStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus Read(FirmwareVolumeBlock2Protocol* self, ulong lba, nuint offset, nuint* count, byte* buffer)
    {
        for (nuint i = 0; i < *count; i++)
        {
            buffer[i] = (byte)(offset + i);
        }

        if (TransferredOverride is nuint transferred)
        {
            *count = transferred;
        }

        return NextStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus Write(FirmwareVolumeBlock2Protocol* self, ulong lba, nuint offset, nuint* count, byte* buffer)
    {
        if (TransferredOverride is nuint transferred)
        {
            *count = transferred;
        }

        return NextStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus EraseBlocks(FirmwareVolumeBlock2Protocol* self, ulong lba, nuint count, ulong terminator)
    {
        EraseLba = lba;
        EraseCount = count;
        EraseTerminator = terminator;
        return NextStatus;
    }
}
