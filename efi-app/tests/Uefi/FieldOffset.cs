namespace UefiRecovery.Efi.Tests.Uefi;

/// <summary>One field: its name, the offset measured in the compiled struct, and the spec's offset.</summary>
public readonly record struct FieldOffset(string Name, long Actual, long Expected);
