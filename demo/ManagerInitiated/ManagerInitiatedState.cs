using System;
using System.Collections.Generic;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Guest;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

using UefiRecovery.Demo.Recovery;

namespace UefiRecovery.Demo.ManagerInitiated;

/// <summary>
/// What the steps of the manager-initiated scenario hand each other: the agent, the instruction key, the guest and its
/// disk, the instruction sent, the three boots and the phase times. The firmware key, capsule, network and manager
/// are the recovery demo's own (<see cref="Recovery.RecoveryDemoState"/>).
/// </summary>
public sealed class ManagerInitiatedState
{
    /// <summary>The machine's SMBIOS system UUID (QEMU <c>-uuid</c>), fresh per run: the instruction names it.</summary>
    public string SystemUuid { get; } = Guid.NewGuid().ToString();

    public string? AgentPath { get; set; }

    /// <summary>The fresh RSA-2048 private key <c>instruct</c> signs with; the guest trusts its public half.</summary>
    public string? InstructionKeyPath { get; set; }

    /// <summary>serve's status endpoint and instruction API, on the demo namespace's loopback.</summary>
    public const string StatusEndpoint = "127.0.0.1:8480";

    /// <summary><c>instruct --via</c>: it asked serve for the instruction and prints each state until done.</summary>
    public ManagerProcess? Follower { get; set; }

    /// <summary><c>uefirecovery.trust.instruction=&lt;hash&gt;</c> as the manager's <c>image key-hash --for instruction</c> printed it.</summary>
    public string? InstructionTrustSetting { get; set; }

    public LinuxGuest? Guest { get; set; }

    public GptEspDisk? Disk { get; set; }

    /// <summary>The instruction's id (16 hex digits) from <c>instruct</c>'s output.</summary>
    public string? InstructionId { get; set; }

    /// <summary>The flash the agent's reboot left (BootNext set): the app's boot starts from it.</summary>
    public string? VarsAfterAgentPath { get; set; }

    public QemuExit? BackInLinuxExit { get; set; }

    public string? StartupLine { get; set; }

    public string? RunningReportLine { get; set; }

    /// <summary>The agent's refusal of the captured instruction sent again after the recovery.</summary>
    public string? ReplayLine { get; set; }

    /// <summary>The app's boot (BootNext): its lines, for the summary.</summary>
    public IReadOnlyList<SerialLine> AppSerial { get; set; } = new List<SerialLine>();

    /// <summary>tcpdump on the bridge for the whole scenario: the instruction, the agent's reports and READINESS on the wire.</summary>
    public NamespaceProcess? Capture { get; set; }

    public string? CapturePath { get; set; }

    /// <summary>instruct started → agent acknowledged → Linux rebooted → app started → app reset → Linux back, agent reported.</summary>
    public PhaseTimeline Timeline { get; } = new();
}
