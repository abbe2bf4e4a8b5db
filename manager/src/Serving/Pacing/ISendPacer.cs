namespace UefiRecovery.Manager.Serving.Pacing;

/// <summary>Decides when the donor engine may send its next DATA (<see cref="TokenBucket"/>).</summary>
public interface ISendPacer
{
    /// <summary>Spends <paramref name="bytes"/> if available now; otherwise returns how long until they are.</summary>
    bool TryTake(int bytes, out System.TimeSpan wait);

    /// <summary>Spends <paramref name="bytes"/> already sent (a MANIFEST ahead of its DATA): the pacer may go into debt, which later sends repay.</summary>
    void Spend(int bytes);
}
