using System;
using System.Net;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Serving.Network;

/// <summary>
/// serve's <see cref="IDonorOutput"/>: datagrams go out on the channel one by one, or, on Linux without fault
/// injection, DATA to a group address in sendmmsg batches (<see cref="LinuxSendBatch"/>). A batch is flushed before
/// any other send and at the end of every burst, so every other message (STATUS_REQUEST after a pass) still leaves
/// after the DATA before it. Engine thread only.
/// </summary>
public sealed class SocketDonorOutput(IUdpChannel channel, LinuxSendBatch? batch) : IDonorOutput, IDisposable
{
    private LinuxSendBatch? _batch = batch;

    /// <summary>Datagrams the kernel refused in sendmmsg batches (sends on the channel count their own).</summary>
    public long BatchSendFailures { get; private set; }

    public void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        Flush();
        channel.Send(datagram, destination);
    }

    public bool TryReserve(IPEndPoint destination, out Span<byte> slot)
    {
        if (_batch is null || !LinuxSendBatch.CanSendTo(destination))
        {
            slot = default;
            return false;
        }
        slot = _batch.NextSlot(destination);
        return true;
    }

    public void Commit(int length) => _batch?.Commit(length);

    public void Flush()
    {
        if (_batch is null || _batch.Count == 0) return;
        long before = _batch.Failures;
        _batch.Flush();
        BatchSendFailures += _batch.Failures - before;
    }

    public void Dispose()
    {
        _batch?.Dispose();
        _batch = null;
    }
}
