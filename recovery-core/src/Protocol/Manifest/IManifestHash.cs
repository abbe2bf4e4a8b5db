using System;

namespace UefiRecovery.Core.Protocol.Manifest;

/// <summary>
/// The two hash functions of the fragment manifest (docs/protocol.md §5.4), each the first 16 bytes of a
/// SHA-256 with its own domain byte. Portable and host implementations must agree bit for bit (tested).
/// </summary>
public interface IManifestHash
{
    /// <summary>SHA-256(0x00 ‖ image id u64 ‖ index u32 ‖ fragment)[0..16].</summary>
    Hash128 Leaf(ulong imageId, uint index, ReadOnlySpan<byte> fragment);

    /// <summary>SHA-256(0x01 ‖ left ‖ right)[0..16].</summary>
    Hash128 Node(Hash128 left, Hash128 right);
}
