namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>Receives one result per check. On EFI it prints a SELFTEST line; on the host an xUnit test collects them.</summary>
public interface ISelfTestSink
{
    void Check(string name, bool passed);
}
