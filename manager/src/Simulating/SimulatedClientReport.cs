namespace UefiRecovery.Manager.Simulating;

/// <summary>How one simulated machine's recovery went (one entry of the simulate report).</summary>
public sealed record SimulatedClientReport(
    int Index,
    string ClientId,
    string LocalEndPoint,
    string State,
    bool Succeeded,
    double Seconds,
    string? DonorId,
    uint SessionId,
    string? ImageId,
    string? ImageSha256,
    string? OutputFile,
    uint FragmentCount,
    uint FragmentsHeld,
    uint DatagramsReceived,
    uint CorruptedFragments,
    uint DuplicateFragments,
    uint ChecksumFailures,
    uint RequestsSent,
    uint StatusesSent,
    uint ImagesRejected,
    string? LastRejection,
    int SessionsAborted,
    int SessionsLost,
    int Joins,
    bool ResultAcknowledged,
    long InjectedDrops,
    long InjectedCorruptions,
    long InjectedDuplicates,
    long InjectedReorders,
    SimulatedClientPhases Phases,
    uint ForgedFragments = 0,
    uint OffersUnauthenticated = 0,
    uint SignatureChecks = 0,
    uint SessionsStalled = 0)
{
    /// <summary>The session id as the manager's log prints it (8 hex digits); <see cref="SessionId"/> stays a number.</summary>
    public string SessionIdHex => Cli.CliFormat.SessionId(SessionId);

    /// <summary><see cref="ImageSha256"/> under the name every other output uses: the whole capsule's SHA-256.</summary>
    public string? CapsuleSha256 => ImageSha256;
}

/// <summary>
/// The whole run: every client, the wall time from the first start to the last finish, the CPU time this
/// simulate process used meanwhile (all machines together; user and kernel), and the session-wide transfer
/// phase: the first DATA any machine received .. the last machine holding every fragment.
/// </summary>
public sealed record SimulationReport(
    int Clients,
    int Succeeded,
    double WallSeconds,
    double CpuSeconds,
    double UserCpuSeconds,
    double KernelCpuSeconds,
    double? FirstDataSeconds,
    double? LastAllFragmentsHeldSeconds,
    double? TransferSeconds,
    System.Collections.Generic.IReadOnlyList<SimulatedClientReport> Results);
