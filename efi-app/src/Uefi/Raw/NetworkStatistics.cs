namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_NETWORK_STATISTICS (UEFI 2.10 §24.1.7): 26 UINT64 counters.</summary>
public struct NetworkStatistics
{
    public ulong RxTotalFrames;
    public ulong RxGoodFrames;
    public ulong RxUndersizeFrames;
    public ulong RxOversizeFrames;
    public ulong RxDroppedFrames;
    public ulong RxUnicastFrames;
    public ulong RxBroadcastFrames;
    public ulong RxMulticastFrames;
    public ulong RxCrcErrorFrames;
    public ulong RxTotalBytes;
    public ulong TxTotalFrames;
    public ulong TxGoodFrames;
    public ulong TxUndersizeFrames;
    public ulong TxOversizeFrames;
    public ulong TxDroppedFrames;
    public ulong TxUnicastFrames;
    public ulong TxBroadcastFrames;
    public ulong TxMulticastFrames;
    public ulong TxCrcErrorFrames;
    public ulong TxTotalBytes;
    public ulong Collisions;
    public ulong UnsupportedProtocol;
    public ulong RxDuplicatedFrames;
    public ulong RxDecryptErrorFrames;
    public ulong TxErrorFrames;
    public ulong TxRetryFrames;
}
