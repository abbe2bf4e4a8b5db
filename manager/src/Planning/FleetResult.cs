using System.Collections.Generic;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// What one fleet-model run gives (docs/fleet-model.md). Times are model seconds from the first machine's boot.
/// </summary>
/// <param name="Recovered">Machines whose RESULT the donor acknowledged.</param>
/// <param name="Verified">Machines that verified the image (and wrote it), acknowledged or not.</param>
/// <param name="Seconds">Until the last machine's RESULT was acknowledged (null: not every machine got there).</param>
/// <param name="TransferSeconds">From the session's first DATA until the last machine held every fragment.</param>
/// <param name="SentPerImage">DATA, PARITY and MANIFEST bytes the donor sent (headers included) ÷ image bytes, the benchmark's sent/image.</param>
/// <param name="DataPerImage">Of that, DATA alone (pass 0 is 1.0 plus headers); then PARITY, then MANIFEST.</param>
/// <param name="WirePerImage">Every byte the donor put on its wire (all its datagrams, Ethernet, IP and UDP included) ÷ image bytes.</param>
/// <param name="RepairRounds">Repair passes (summed over sessions).</param>
/// <param name="StatusRounds">Status rounds the donor ran (summed over sessions).</param>
/// <param name="StatusPerRoundMax">Most STATUS messages that reached the donor during one status round.</param>
/// <param name="DonorMicrosecondsPerStatus">This host's CPU time the donor engine spent per STATUS it handled (not on the virtual clock).</param>
/// <param name="StatusPerRoundMean">Mean STATUS messages per status round (rounds that got any).</param>
/// <param name="DonorRejects">Datagrams the donor engine dropped, by its reason (serve's `rejectReasons`): e.g. ACCEPTs refused for a full session.</param>
/// <param name="ProactiveShare">The donor's --fec-proactive: parity in pass 0 as a share of each block (0: none).</param>
/// <param name="NeedsPerRoundMax">Of <paramref name="StatusPerRoundMax"/>'s kind, only STATUS that listed needs (NACKs or BLOCK COUNTS, not COMPLETE).</param>
/// <param name="LateJoiners">Machines that joined their session after its pass 0 began (short after it whatever the parity).</param>
/// <param name="ModelWallSeconds">How long the model took to run on this host.</param>
public sealed record FleetResult(
    int Machines,
    int Recovered,
    int Verified,
    double? Seconds,
    double? LastAllHeldSeconds,
    double? TransferSeconds,
    int ImageBytes,
    double SentPerImage,
    double DataPerImage,
    double ParityPerImage,
    double ManifestPerImage,
    double WirePerImage,
    int Sessions,
    int RepairRounds,
    int StatusRounds,
    int StatusPerRoundMax,
    double StatusPerRoundMean,
    long StatusMessages,
    long UnsolicitedStatusMessages,
    long SwitchDropsTowardMachines,
    long SwitchDropsTowardDonor,
    long LinkLossesTowardMachines,
    long LinkLossesTowardDonor,
    long ReceiveQueueDrops,
    double DonorQueuePeakBytes,
    long ImagesRejected,
    long DecodesRejected,
    bool SharedBufferIntact,
    double ModelWallSeconds,
    double DonorMicrosecondsPerStatus,
    IReadOnlyList<string> Simplifications,
    IReadOnlyDictionary<string, long> DonorRejects,
    double ProactiveShare = 0,
    int NeedsPerRoundMax = 0,
    int LateJoiners = 0);
