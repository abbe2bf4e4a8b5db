using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Instructions;
using UefiRecovery.Efi.Uefi.Smbios;
using UefiRecovery.Efi.Services.Instruction;

namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// A boot the OS agent asked for (docs/protocol.md §4.11, "What the app does"): the agent stored a signed
/// RECOVERY_INSTRUCTION in <c>UefiRecoveryInstruction</c> and set BootNext to this app. Read once, before the
/// pre-flight: a valid one makes this run recover a valid region, sends READINESS, and names the managers to ask.
/// The variable is deleted once looked at (taken or refused); a valid one's counter is stored, where the OS cannot
/// write, before anything else. Whenever one was present and is gone the run ends with a reset, so BootOrder brings
/// the OS back (a BootNext boot that returns would open EDK2's boot-manager menu instead).
/// </summary>
internal sealed class InstructedBoot
{
    // The datagram is 648 bytes; room for a longer variable so its size can be refused as Malformed.
    private const int VariableRoom = 1024;

    private readonly byte[] _datagram = new byte[VariableRoom];
    private readonly byte[] _uuid = new byte[SystemUuid.Length];

    private InstructedBoot()
    {
    }

    /// <summary>The agent left an instruction variable (valid or not).</summary>
    public bool Present { get; private set; }

    /// <summary>
    /// The variable was deleted and is gone. Only then may the run end with a reset (an OS-made variable the app cannot
    /// delete would otherwise bring it back into the same boot forever).
    /// </summary>
    public bool Removed { get; private set; }

    public InstructionCheckResult Result { get; private set; }

    /// <summary>Checked, its counter stored and the variable gone: this run recovers for it.</summary>
    public bool IsValid => Result == InstructionCheckResult.Valid && _counterStored && Removed;

    private bool _counterStored;

    /// <summary>The instruction's fields; only meaningful when <see cref="IsValid"/>.</summary>
    public InstructionMessage Instruction { get; private set; }

    /// <summary>This machine's SMBIOS system UUID (unset when unreadable).</summary>
    public SystemUuid Uuid { get; private set; }

    /// <summary>
    /// Reads and checks the stored instruction and prints what it found. A valid one's counter is stored right away,
    /// before anything can fail (a run that fails before the network would otherwise leave it to be taken again at
    /// every boot); the variable is deleted whatever the verdict.
    /// </summary>
    public static InstructedBoot Read(UefiSystemTable system, RecoveryConfig config, RecoveryConsole lines)
    {
        var boot = new InstructedBoot();
        UefiRuntimeServices runtime = system.RuntimeServices;
        if (!runtime.IsAvailable)
            return boot;
        EfiStatus status = InstructionVariables.ReadInstruction(runtime, boot._datagram, out int size);
        if (status == EfiStatus.NotFound)
            return boot;
        boot.Present = true;
        if (SmbiosSystemUuid.TryRead(system, boot._uuid))
            boot.Uuid = SystemUuid.Read(boot._uuid);
        ulong lastCounter = InstructionVariables.ReadCounter(runtime, out bool foreignCounter);
        // The clock is OS-settable: an unreadable one leaves the expiry unchecked; the counter stops replays.
        RealTimeClock.TryGetUnixSeconds(runtime, out ulong now);
        ReadOnlySpan<byte> datagram = status == EfiStatus.Success ? new ReadOnlySpan<byte>(boot._datagram, 0, size) : ReadOnlySpan<byte>.Empty;
        boot.Result = InstructionCheck.Check(datagram, config.Target.InstructionKeys, new Sha256(), boot.Uuid, lastCounter, now,
            out InstructionMessage instruction);
        boot.Instruction = instruction;
        lines.Instruction(boot, lastCounter, size);
        if (boot.Result == InstructionCheckResult.Valid)
        {
            EfiStatus stored = InstructionVariables.StoreCounter(runtime, instruction.Counter, foreignCounter);
            boot._counterStored = !stored.IsError;
            if (stored.IsError)
                lines.InstructionRefused(instruction.InstructionId, "CounterStoreFailed", "SetVariable of the counter failed", stored);
        }
        boot.Removed = InstructionVariables.TryDeleteInstruction(runtime, out EfiStatus deleted);
        if (!boot.Removed)
            lines.InstructionRefused(instruction.InstructionId, "NotDeleted", "the variable could not be deleted: no reset, back to the firmware", deleted);
        return boot;
    }

    /// <summary>
    /// The second half of "for this machine", once the NIC is open: the instruction must name its MAC. False (printed,
    /// nothing fetched) otherwise; the counter stays used, as the agent's does.
    /// </summary>
    public bool TryTake(ulong mac, RecoveryConsole lines)
    {
        if (!InstructionCheck.TargetsMac(Instruction, mac))
        {
            Result = InstructionCheckResult.OtherMachine;
            lines.InstructionRefused(Instruction.InstructionId, "OtherMachine", "target MAC is not this NIC's", default);
            return false;
        }
        lines.InstructionTaken(Instruction);
        return true;
    }
}
