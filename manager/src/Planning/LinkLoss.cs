namespace UefiRecovery.Manager.Planning;

/// <summary>
/// Loss on one machine's link in one direction: independent (Bernoulli) with probability p, or bursty
/// (Gilbert–Elliott: a good state that loses nothing and a bad state that loses everything, with a mean burst of
/// <c>burstLength</c> datagrams and the same long-run loss p). Seeded; one per machine and direction.
/// </summary>
public struct LinkLoss
{
    private readonly double _loss;
    private readonly double _goodToBad;
    private readonly double _badToGood;
    private readonly bool _bursty;
    private ModelRandom _random;
    private bool _bad;

    /// <param name="loss">Long-run fraction of datagrams lost, 0 ≤ p &lt; 1.</param>
    /// <param name="burstLength">Mean datagrams per loss burst; 1 (or less) = independent losses.</param>
    public LinkLoss(double loss, double burstLength, ModelRandom random)
    {
        _loss = loss;
        _random = random;
        _bursty = burstLength > 1 && loss > 0;
        // Bad → good ends a burst; good → bad is chosen so the long-run share of bad is p: p_gb / (p_gb + p_bg) = p.
        _badToGood = _bursty ? 1.0 / burstLength : 1;
        _goodToBad = _bursty ? loss * _badToGood / (1 - loss) : 0;
        _bad = false;
    }

    /// <summary>Whether the next datagram on this link is lost.</summary>
    public bool Lose()
    {
        if (_loss <= 0) return false;
        if (!_bursty) return _random.NextDouble() < _loss;
        // The state changes between datagrams; a datagram sent in the bad state is lost.
        _bad = _bad ? _random.NextDouble() >= _badToGood : _random.NextDouble() < _goodToBad;
        return _bad;
    }
}
