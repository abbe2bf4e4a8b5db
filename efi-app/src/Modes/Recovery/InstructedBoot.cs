using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Instructions;
using UefiRecovery.Efi.Uefi.Smbios;
using UefiRecovery.Efi.Services.Instruction;

namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// A boot the OS agent asked for (docs/protocol.md §4.11, "What the app does"): the agent stored a signed
/// RECOVERY_INSTRUCTION in <c>UefiRecoveryInstruction</c> and set BootNext to this app. Read once, before the
/// pre-flight: a valid one makes this run recover a valid region, sends READINESS, and names the managers to ask.
/// The variable is deleted once looked at (taken or refused); the counter is stored, where the OS cannot write,
/// before the instruction is acted on. Whenever one was present the run ends with a reset, so BootOrder brings the
/// OS back (a BootNext boot that returns would open EDK2's boot-manager menu instead).
/// </summary>
internal sealed class InstructedBoot
{
    // The datagram is 648 bytes; room for a longer variable so its size can be refused as Malformed.
    private const int VariableRoom = 1024;

    private readonly UefiRuntimeServices _runtime;
    private readonly byte[] _datagram = new byte[VariableRoom];
    private readonly byte[] _uuid = new byte[SystemUuid.Length];
    private bool _foreignCounter;

    private InstructedBoot(UefiRuntimeServices runtime) => _runtime = runtime;

    /// <summary>The agent left an instruction variable (valid or not).</summary>
    public bool Present { get; private set; }

    public InstructionCheckResult Result { get; private set; }

    public bool IsValid => Result == InstructionCheckResult.Valid;

    /// <summary>The instruction's fields; only meaningful when <see cref="IsValid"/>.</summary>
    public InstructionMessage Instruction { get; private set; }

    /// <summary>This machine's SMBIOS system UUID (unset when unreadable).</summary>
    public SystemUuid Uuid { get; private set; }

    /// <summary>Reads and checks the stored instruction; prints a line when there is one.</summary>
    public static InstructedBoot Read(UefiSystemTable system, RecoveryConfig config, RecoveryConsole lines)
    {
        var boot = new InstructedBoot(system.RuntimeServices);
        if (!system.RuntimeServices.IsAvailable)
            return boot;
        EfiStatus status = InstructionVariables.ReadInstruction(system.RuntimeServices, boot._datagram, out int size);
        if (status == EfiStatus.NotFound)
            return boot;
        boot.Present = true;
        if (SmbiosSystemUuid.TryRead(system, boot._uuid))
            boot.Uuid = SystemUuid.Read(boot._uuid);
        ulong lastCounter = InstructionVariables.ReadCounter(system.RuntimeServices, out boot._foreignCounter);
        // The clock is OS-settable: an unreadable one leaves the expiry unchecked; the counter stops replays.
        RealTimeClock.TryGetUnixSeconds(system.RuntimeServices, out ulong now);
        ReadOnlySpan<byte> datagram = status == EfiStatus.Success ? new ReadOnlySpan<byte>(boot._datagram, 0, size) : ReadOnlySpan<byte>.Empty;
        boot.Result = InstructionCheck.Check(datagram, config.Target.InstructionKeys, new Sha256(), boot.Uuid, lastCounter, now,
            out InstructionMessage instruction);
        boot.Instruction = instruction;
        lines.Instruction(boot, lastCounter, size);
        if (!boot.IsValid)
            InstructionVariables.DeleteInstruction(system.RuntimeServices);
        return boot;
    }

    /// <summary>
    /// Takes the instruction for the NIC with <paramref name="mac"/>: it must name that MAC, and its counter must be
    /// stored before anything else happens. False (printed, nothing taken) otherwise. The variable is deleted either way.
    /// </summary>
    public bool TryTake(ulong mac, RecoveryConsole lines)
    {
        if (!InstructionCheck.TargetsMac(Instruction, mac))
        {
            Result = InstructionCheckResult.OtherMachine;
            lines.InstructionRefused(Instruction.InstructionId, "OtherMachine", "target MAC is not this NIC's", default);
            InstructionVariables.DeleteInstruction(_runtime);
            return false;
        }
        EfiStatus stored = InstructionVariables.StoreCounter(_runtime, Instruction.Counter, _foreignCounter);
        InstructionVariables.DeleteInstruction(_runtime);
        if (stored.IsError)
        {
            lines.InstructionRefused(Instruction.InstructionId, "CounterStoreFailed", "SetVariable failed", stored);
            return false;
        }
        lines.InstructionTaken(Instruction);
        return true;
    }
}
