using System;
using System.IO;

namespace UefiRecovery.Agent.Instructions;

/// <summary>
/// The instruction the agent acted on before its reboot, kept in the state directory (<c>pending-instruction</c>, the
/// same lines it wrote into <c>UefiRecoveryConfig</c>): when the OS is back, the agent reports to its managers even if
/// the variable is gone (on OVMF the region recovery rewrites is the variable store itself). Removed once reported.
/// </summary>
internal sealed class PendingInstruction
{
    private readonly string _directory;

    public PendingInstruction(string directory) => _directory = directory;

    public string PathText => Path.Combine(_directory, "pending-instruction");

    public bool TryStore(ReadOnlySpan<byte> agentLines, out string error) => AtomicFile.TryWrite(_directory, PathText, agentLines, out error);

    /// <summary>The stored lines; false when there are none (or they cannot be read).</summary>
    public bool TryRead(out byte[] agentLines)
    {
        agentLines = Array.Empty<byte>();
        try
        {
            if (!File.Exists(PathText))
                return false;
            agentLines = File.ReadAllBytes(PathText);
            return true;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Remove()
    {
        try
        {
            File.Delete(PathText);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            // A stale marker only repeats one RUNNING report at the next start.
        }
    }
}
