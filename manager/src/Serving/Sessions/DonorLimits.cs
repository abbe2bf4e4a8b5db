namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// How many members the donor engine keeps (docs/operating.md §7, protocol.md §8). A session takes
/// <see cref="MembersPerSession"/>, so a row of 10,000 machines is one session and one pass (it was 4,096, and 10,000
/// machines needed four sessions one after another). All live sessions together take <see cref="LiveMembers"/>, the
/// most the old bounds allowed (256 sessions of 4,096): a flood of ACCEPTs with genuine tokens takes no more memory
/// than it could before, and locking every machine out needs a million fake members, where filling one session of
/// 4,096 used to lock out that image. Tests give smaller ones.
/// </summary>
public sealed record DonorLimits
{
    public int MembersPerSession { get; init; } = 16_384;

    public int LiveMembers { get; init; } = 1 << 20;
}
