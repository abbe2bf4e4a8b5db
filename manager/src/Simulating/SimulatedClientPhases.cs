namespace UefiRecovery.Manager.Simulating;

/// <summary>
/// When one simulated machine passed each step of its recovery, in seconds on the simulate run's clock
/// (0 = the run started), so a report can say where the time went. Null = the step never happened.
/// Discovery is Started..AcceptSent (REQUEST, OFFER, offer window), the gather is AcceptSent..FirstData,
/// the transfer FirstData..AllFragmentsHeld, verification AllFragmentsHeld..Verified (SHA-256 image id,
/// plus the capsule check when trust anchors were given), and the report Verified..ResultAcknowledged.
/// </summary>
public sealed record SimulatedClientPhases(
    double Started,
    double? FirstRequest,
    double? FirstOffer,
    double? AcceptSent,
    double? FirstData,
    double? AllFragmentsHeld,
    double? Verified,
    double? ResultAcknowledged);
