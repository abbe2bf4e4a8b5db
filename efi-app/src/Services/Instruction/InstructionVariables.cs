namespace UefiRecovery.Efi.Services.Instruction;

/// <summary>
/// The two variables of an instructed boot (docs/protocol.md §4.11), under the project's vendor GUID:
/// <c>UefiRecoveryInstruction</c>, the signed datagram the OS agent stored (NV+BS+RT: the OS wrote it, so nothing in
/// it is believed before the signature), and <c>UefiRecoveryInstructionCounter</c>, the highest counter this machine
/// took (8 bytes, little-endian, NV+BS only: after ExitBootServices the OS can neither read nor write it, UEFI 2.10 §8.2).
/// </summary>
internal static class InstructionVariables
{
    public const string InstructionName = "UefiRecoveryInstruction\0";
    public const string CounterName = "UefiRecoveryInstructionCounter\0";

    /// <summary>The counter's attributes; a variable of that name with any other attributes was not written by the app.</summary>
    public const uint CounterAttributes = VariableAttributes.NonVolatile | VariableAttributes.BootServiceAccess;

    public static EfiGuid Vendor => ConfigVariable.VendorGuid;

    /// <summary>The stored instruction into <paramref name="datagram"/>; NotFound when the agent left none.</summary>
    public static EfiStatus ReadInstruction(UefiRuntimeServices runtime, Span<byte> datagram, out int size) =>
        runtime.GetVariable(InstructionName, Vendor, datagram, out size, out _);

    /// <summary>
    /// The highest counter taken. 0 when none is stored; 0 and <paramref name="foreign"/> for anything the app would
    /// not have written: other attributes, another size, an unreadable variable (the OS may create one of that name,
    /// even an authenticated one, before the app's first: its value is not the app's, and it must be replaced).
    /// </summary>
    public static ulong ReadCounter(UefiRuntimeServices runtime, out bool foreign)
    {
        Span<byte> value = stackalloc byte[8];
        EfiStatus status = runtime.GetVariable(CounterName, Vendor, value, out int size, out uint attributes);
        foreign = status != EfiStatus.NotFound && (status != EfiStatus.Success || size != 8 || attributes != CounterAttributes);
        if (status != EfiStatus.Success || foreign)
            return 0;
        ulong counter = 0;
        for (int i = 7; i >= 0; i--)
            counter = (counter << 8) | value[i];
        return counter;
    }

    /// <summary>
    /// Stores <paramref name="counter"/> as NV+BS; a foreign variable of that name is deleted first (a failed delete is
    /// the status returned: an authenticated variable the app cannot remove).
    /// </summary>
    public static EfiStatus StoreCounter(UefiRuntimeServices runtime, ulong counter, bool foreign)
    {
        if (foreign)
        {
            EfiStatus deleted = runtime.SetVariable(CounterName, Vendor, 0, ReadOnlySpan<byte>.Empty);
            if (deleted.IsError && deleted != EfiStatus.NotFound)
                return deleted;
        }
        Span<byte> value = stackalloc byte[8];
        for (int i = 0; i < 8; i++)
            value[i] = (byte)(counter >> (8 * i));
        return runtime.SetVariable(CounterName, Vendor, CounterAttributes, value);
    }

    /// <summary>
    /// Deletes the stored instruction (it is looked at once) and checks it is gone: an OS can create one the app cannot
    /// delete (a time-based authenticated variable), and a run that resets because of it would loop.
    /// </summary>
    public static bool TryDeleteInstruction(UefiRuntimeServices runtime, out EfiStatus status)
    {
        status = runtime.SetVariable(InstructionName, Vendor, 0, ReadOnlySpan<byte>.Empty);
        Span<byte> probe = stackalloc byte[1];
        return runtime.GetVariable(InstructionName, Vendor, probe, out _, out _) == EfiStatus.NotFound;
    }
}
