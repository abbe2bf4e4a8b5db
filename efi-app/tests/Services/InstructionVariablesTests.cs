using System.Collections.Generic;
using System.Runtime.InteropServices;
using UefiRecovery.Efi.Services.Config;
using UefiRecovery.Efi.Services.Instruction;
using UefiRecovery.Efi.Tests.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Services;

/// <summary>
/// Red team (#13): <see cref="InstructionVariables"/> against a variable store that follows EDK2's rules for what the
/// OS may have left before the app's first counter: an existing variable is only rewritten with the same attributes
/// (EFI_INVALID_PARAMETER otherwise, Variable.c UpdateVariable), and attributes 0 deletes it. A counter the OS created
/// (NV+BS+RT) must never be believed and must never stop the app from storing its own.
/// </summary>
[Collection(FakeFirmwareCollection.Name)]
public sealed unsafe class InstructionVariablesTests : IDisposable
{
    private sealed record Stored(uint Attributes, byte[] Data);

    private static readonly Dictionary<string, Stored> s_store = new();

    // Names SetVariable refuses to delete (a time-based authenticated variable without its signature: WriteProtected).
    private static readonly HashSet<string> s_undeletable = new();
    private readonly RuntimeServices* _runtime;

    private const uint OsAttributes = VariableAttributes.NonVolatile | VariableAttributes.BootServiceAccess | VariableAttributes.RuntimeAccess;

    public InstructionVariablesTests()
    {
        s_store.Clear();
        s_undeletable.Clear();
        _runtime = (RuntimeServices*)NativeMemory.AllocZeroed((nuint)sizeof(RuntimeServices));
        _runtime->GetVariable = &FakeGetVariable;
        _runtime->SetVariable = &FakeSetVariable;
    }

    public void Dispose() => NativeMemory.Free(_runtime);

    public static TheoryData<string, int> OsCreatedCounterSizes() => new()
    {
        { "8 bytes, as the app writes it", 8 },
        { "9 bytes: one more than the app's buffer", 9 },
        { "4 bytes", 4 },
    };

    [Theory]
    [MemberData(nameof(OsCreatedCounterSizes))]
    public void StoreCounter_OsCreatedRuntimeCounterOfAnySize_ReplacedByTheAppsNvBsCounter(string name, int size)
    {
        byte[] osValue = new byte[size];
        Array.Fill(osValue, (byte)0xFF);
        s_store["UefiRecoveryInstructionCounter"] = new Stored(OsAttributes, osValue);
        var runtime = new UefiRuntimeServices(_runtime);

        ulong last = InstructionVariables.ReadCounter(runtime, out bool foreign);
        EfiStatus stored = InstructionVariables.StoreCounter(runtime, 42, foreign);

        Assert.True(last == 0, name + ": the OS's value believed");
        Assert.True(stored == EfiStatus.Success, name + ": the app's counter not stored (" + stored + "): every valid instruction is refused as CounterStoreFailed");
        Assert.Equal(InstructionVariables.CounterAttributes, s_store["UefiRecoveryInstructionCounter"].Attributes);
    }

    [Fact]
    public void TryDeleteInstruction_OrdinaryVariable_DeletedAndConfirmedGone()
    {
        s_store["UefiRecoveryInstruction"] = new Stored(OsAttributes, new byte[648]);

        Assert.True(InstructionVariables.TryDeleteInstruction(new UefiRuntimeServices(_runtime), out EfiStatus status));
        Assert.Equal(EfiStatus.Success, status);
        Assert.False(s_store.ContainsKey("UefiRecoveryInstruction"));
    }

    [Fact]
    public void TryDeleteInstruction_VariableTheAppCannotDelete_FalseWithTheStatus()
    {
        s_store["UefiRecoveryInstruction"] = new Stored(OsAttributes | VariableAttributes.TimeBasedAuthenticatedWriteAccess, new byte[648]);
        s_undeletable.Add("UefiRecoveryInstruction");

        Assert.False(InstructionVariables.TryDeleteInstruction(new UefiRuntimeServices(_runtime), out EfiStatus status));
        Assert.Equal(EfiStatus.WriteProtected, status);
    }

    [Fact]
    public void ReadCounter_AppsOwnCounter_BelievedNotForeign()
    {
        s_store["UefiRecoveryInstructionCounter"] = new Stored(InstructionVariables.CounterAttributes, BitConverter.GetBytes(77UL));

        Assert.Equal(77UL, InstructionVariables.ReadCounter(new UefiRuntimeServices(_runtime), out bool foreign));
        Assert.False(foreign);
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeGetVariable(char* name, EfiGuid* vendor, uint* attributes, nuint* dataSize, void* data)
    {
        EfiGuid expected = ConfigVariable.VendorGuid;
        if (!vendor->Equals(expected) || !s_store.TryGetValue(new string(name), out Stored? value))
            return EfiStatus.NotFound;
        if (attributes != null)
            *attributes = value.Attributes;
        if (*dataSize < (nuint)value.Data.Length)
        {
            *dataSize = (nuint)value.Data.Length;
            return EfiStatus.BufferTooSmall;
        }
        value.Data.CopyTo(new Span<byte>(data, value.Data.Length));
        *dataSize = (nuint)value.Data.Length;
        return EfiStatus.Success;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeSetVariable(char* name, EfiGuid* vendor, uint attributes, nuint dataSize, void* data)
    {
        string key = new string(name);
        bool exists = s_store.TryGetValue(key, out Stored? old);
        if (attributes == 0 || dataSize == 0)
        {
            if (!exists)
                return EfiStatus.NotFound;
            if (s_undeletable.Contains(key))
                return EfiStatus.WriteProtected;
            s_store.Remove(key);
            return EfiStatus.Success;
        }
        if (exists && old!.Attributes != attributes)
            return EfiStatus.InvalidParameter;
        s_store[key] = new Stored(attributes, new Span<byte>(data, (int)dataSize).ToArray());
        return EfiStatus.Success;
    }
}
