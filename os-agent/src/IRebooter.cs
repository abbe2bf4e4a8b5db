namespace UefiRecovery.Agent;

/// <summary>Restarts the machine. Injected so tests can count the reboots instead of having them.</summary>
internal interface IRebooter
{
    /// <summary>Starts the reboot; false (with the reason) when it could not be started.</summary>
    bool TryReboot(out string error);
}
