namespace UefiRecovery.Efi.Services.Network;

/// <summary>
/// Sees every accepted frame before netstack does (netdiag uses it to catch echo replies to its own
/// pings, which the stack counts and drops). Must not keep the span or allocate.
/// </summary>
internal interface IReceivedFrameObserver
{
    void OnFrameReceived(ReadOnlySpan<byte> frame);
}
