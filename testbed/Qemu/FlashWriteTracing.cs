namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// Runs QEMU under strace so that every write QEMU makes to the vars file (pflash unit 1) is logged, and
/// optionally cuts the power at one of them. QEMU 7.2's pflash writes each erase (one 4 KiB pwrite64) and
/// each byte program (one 512-byte pwrite64 of the sector holding the byte) through to the file at once,
/// so the n-th pwrite64 to the vars file is the n-th flash operation the guest made. With
/// <see cref="CutBeforeWrite"/> = n, strace answers that call with EIO instead of making it and kills QEMU
/// (SIGKILL): the file holds exactly writes 1..n-1, as flash holds what was programmed when the power went.
/// QEMU's block thread pool is pinned to one thread (strace counts per thread), see <see cref="QemuCommandLine"/>.
/// strace stops QEMU at every system call it makes; <see cref="AttachOn"/> limits that cost to the part of the
/// boot that matters.
/// </summary>
public sealed class FlashWriteTracing
{
    /// <summary>
    /// Null: strace starts QEMU and traces the whole boot. Else QEMU starts untraced and strace attaches when this
    /// console line appears; only later writes are logged and counted (<see cref="QemuRun.FlashTracer"/>).
    /// </summary>
    public System.Text.RegularExpressions.Regex? AttachOn { get; init; }

    /// <summary>Where strace writes its log (one line per vars-file write; read with <see cref="FlashWriteTrace.Read"/>).</summary>
    public required string TracePath { get; init; }

    /// <summary>1-based index of the vars-file write that is never made: QEMU is killed instead. 0: no cut, just the log.</summary>
    public long CutBeforeWrite { get; init; }
}
