namespace UefiRecovery.Manager.Serving.Status;

/// <summary>Where the terminal view and the HTTP endpoint read the latest status snapshot from.</summary>
public interface IStatusSource
{
    ServerStatus Current { get; }
}
