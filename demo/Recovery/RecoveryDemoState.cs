using System.Collections.Generic;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Recovery;

/// <summary>What the recovery steps hand each other: key, capsule, damaged region, manager, VM results.</summary>
public sealed class RecoveryDemoState
{
    /// <summary>FMP ImageTypeId the demo capsule carries and the VM asks for (same as the qemu-tests).</summary>
    public const string ImageType = "6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10";
    public const string Version = "0x00010002";
    public const string LowestSupportedVersion = "0x00010000";

    public string? ManagerDll { get; set; }

    public string? SigningKeyPath { get; set; }

    /// <summary>SHA-256 of the demo key's modulus, 64 lowercase hex digits (EDK2's PcdRsa2048Sha256PublicKeyBuffer form).</summary>
    public string? TrustedKeyHash { get; set; }

    public string? PayloadPath { get; set; }

    /// <summary>arm64: the whole flash AAVMF formatted at a first boot (the payload is its region); null on x64.</summary>
    public string? FlashTemplatePath { get; set; }

    public string? ImagesDirectory { get; set; }

    public string? CapsulePath { get; set; }

    /// <summary>The corrupted starting contents of the VM's writable flash.</summary>
    public string? DamagedVarsPath { get; set; }

    public string? EspImagePath { get; set; }

    public DemoNetwork? Network { get; set; }

    public ManagerProcess? Manager { get; set; }

    public QemuExit? RecoveryExit { get; set; }

    public IReadOnlyList<SerialLine> RecoverySerial { get; set; } = new List<SerialLine>();

    public QemuExit? SecondBootExit { get; set; }

    public bool RegionVerified { get; set; }

    public bool ResultLogged { get; set; }

    public string? ResultLogLine { get; set; }
}
