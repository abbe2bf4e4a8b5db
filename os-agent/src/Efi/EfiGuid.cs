using System;
using System.Buffers.Binary;

namespace UefiRecovery.Agent.Efi;

/// <summary>A GUID in its two forms: the text form efivarfs names use, and the 16-byte EFI binary form
/// (first three fields little-endian) that load options and GPT entries carry.</summary>
internal readonly struct EfiGuid : IEquatable<EfiGuid>
{
    private readonly Guid _value;

    private EfiGuid(Guid value) => _value = value;

    public static readonly EfiGuid GlobalVariable = Parse("8be4df61-93ca-11d2-aa0d-00e098032b8c");
    public static readonly EfiGuid EspPartitionType = Parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
    public static readonly EfiGuid UefiRecoveryVendor = Parse("1c2f4afa-2835-41fd-9cbc-7e594c1bc6ab");

    public static EfiGuid Parse(string text) => new EfiGuid(Guid.Parse(text));

    /// <summary>Reads the EFI binary form (System.Guid's byte layout is the same mixed-endian one).</summary>
    public static EfiGuid Read(ReadOnlySpan<byte> bytes) => new EfiGuid(new Guid(bytes.Slice(0, 16)));

    public void Write(Span<byte> destination) => _value.TryWriteBytes(destination);

    /// <summary>Lower case, as efivarfs and efibootmgr print it.</summary>
    public override string ToString() => _value.ToString("D");

    public bool Equals(EfiGuid other) => _value.Equals(other._value);
    public override bool Equals(object? obj) => obj is EfiGuid other && Equals(other);
    public override int GetHashCode() => _value.GetHashCode();
}
