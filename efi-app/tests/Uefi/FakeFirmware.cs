using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using UefiRecovery.Core.Common;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>
/// A stand-in for the firmware's tables: native memory holding BootServices, SimpleTextOutput and a
/// SystemTable, whose function pointers are [UnmanagedCallersOnly] methods below. On the host both
/// caller and callee use the host's unmanaged convention, so the safe layer's calls run unchanged.
/// Each method records what it was given and answers as the current test set it up.
/// </summary>
internal sealed unsafe class FakeFirmware : IDisposable
{
    public readonly record struct OpenCall(nint Handle, EfiGuid Guid, nint Agent, nint Controller, OpenProtocolAttributes Attributes);

    public readonly record struct CloseCall(nint Handle, EfiGuid Guid, nint Agent, nint Controller);

    // What the fake answers.
    public static EfiStatus OpenStatus;
    public static nint OpenInterface;
    public static EfiStatus LocateStatus;
    public static nint[] LocateHandles = Array.Empty<nint>();
    public static EfiStatus MonotonicStatus;
    public static EfiStatus OutputStatus;

    // What the fake was given.
    public static readonly List<OpenCall> Opens = new();
    public static readonly List<CloseCall> Closes = new();
    public static readonly List<nint> FreedPools = new();
    public static readonly List<nint> AllocatedPools = new();
    public static readonly StringBuilder Output = new();
    public static int OutputCalls;

    public BootServices* Boot { get; }
    public SimpleTextOutputProtocol* ConOut { get; }

    public FakeFirmware()
    {
        OpenStatus = EfiStatus.Success;
        OpenInterface = 0;
        LocateStatus = EfiStatus.Success;
        LocateHandles = Array.Empty<nint>();
        MonotonicStatus = EfiStatus.Success;
        OutputStatus = EfiStatus.Success;
        Opens.Clear();
        Closes.Clear();
        FreedPools.Clear();
        AllocatedPools.Clear();
        Output.Clear();
        OutputCalls = 0;

        Boot = (BootServices*)NativeMemory.AllocZeroed((nuint)sizeof(BootServices));
        Boot->Hdr.Signature = BootServices.Signature;
        Boot->OpenProtocol = &FakeOpenProtocol;
        Boot->CloseProtocol = &FakeCloseProtocol;
        Boot->LocateHandleBuffer = &FakeLocateHandleBuffer;
        Boot->LocateProtocol = &FakeLocateProtocol;
        Boot->FreePool = &FakeFreePool;
        Boot->GetNextMonotonicCount = &FakeGetNextMonotonicCount;

        ConOut = (SimpleTextOutputProtocol*)NativeMemory.AllocZeroed((nuint)sizeof(SimpleTextOutputProtocol));
        ConOut->OutputString = &FakeOutputString;
    }

    public void Dispose()
    {
        foreach (nint pool in AllocatedPools)
        {
            if (!FreedPools.Contains(pool))
            {
                NativeMemory.Free((void*)pool);
            }
        }

        NativeMemory.Free(Boot);
        NativeMemory.Free(ConOut);
    }

    /// <summary>A value no real interface pointer has: the safe layer must never hand it on after a failure.</summary>
    public const long Garbage = 0x0BAD_F00D_DEAD_BEEF;

    [UnmanagedCallersOnly]
    private static EfiStatus FakeOpenProtocol(void* handle, EfiGuid* guid, void** iface, void* agent, void* controller, OpenProtocolAttributes attributes)
    {
        Opens.Add(new OpenCall((nint)handle, *guid, (nint)agent, (nint)controller, attributes));
        // Real firmware may leave anything behind the out-pointer on failure.
        *iface = OpenStatus == EfiStatus.Success ? (void*)OpenInterface : (void*)Garbage;
        return OpenStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeCloseProtocol(void* handle, EfiGuid* guid, void* agent, void* controller)
    {
        Closes.Add(new CloseCall((nint)handle, *guid, (nint)agent, (nint)controller));
        return EfiStatus.Success;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeLocateHandleBuffer(LocateSearchType type, EfiGuid* guid, void* key, nuint* count, void*** buffer)
    {
        if (LocateStatus != EfiStatus.Success)
        {
            *count = 99;
            *buffer = (void**)Garbage;
            return LocateStatus;
        }

        void** handles = (void**)NativeMemory.Alloc((nuint)(LocateHandles.Length * sizeof(void*)));
        AllocatedPools.Add((nint)handles);
        for (int i = 0; i < LocateHandles.Length; i++)
        {
            handles[i] = (void*)LocateHandles[i];
        }

        *count = (nuint)LocateHandles.Length;
        *buffer = handles;
        return EfiStatus.Success;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeLocateProtocol(EfiGuid* guid, void* registration, void** iface)
    {
        *iface = OpenStatus == EfiStatus.Success ? (void*)OpenInterface : (void*)Garbage;
        return OpenStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeFreePool(void* buffer)
    {
        FreedPools.Add((nint)buffer);
        NativeMemory.Free(buffer);
        return EfiStatus.Success;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeGetNextMonotonicCount(ulong* count)
    {
        *count = 42;
        return MonotonicStatus;
    }

    [UnmanagedCallersOnly]
    private static EfiStatus FakeOutputString(SimpleTextOutputProtocol* self, char* text)
    {
        OutputCalls++;
        if (OutputStatus.IsError)
        {
            return OutputStatus;
        }

        Output.Append(new string(text));
        return OutputStatus;
    }
}
