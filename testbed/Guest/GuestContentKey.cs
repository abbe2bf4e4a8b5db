using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// The cache key of a built guest: SHA-256 over every input's label and content hash, in label order (so the
/// order inputs were added in does not matter, and renaming an input changes the key). Hex, lower case.
/// </summary>
public sealed class GuestContentKey
{
    private readonly SortedDictionary<string, string> _inputs = new(StringComparer.Ordinal);

    public GuestContentKey Add(string label, ReadOnlySpan<byte> content)
    {
        if (string.IsNullOrEmpty(label) || label.Contains('\n') || label.Contains('='))
        {
            throw new ArgumentException("a guest input label must be non-empty, without '=' or a line break: \"" + label + "\"", nameof(label));
        }
        if (!_inputs.TryAdd(label, Convert.ToHexStringLower(SHA256.HashData(content))))
        {
            throw new ArgumentException("the guest key already has an input named " + label, nameof(label));
        }
        return this;
    }

    /// <summary>One line per input, "label=sha256", in label order: what the key is the hash of (kept next to the cached guest).</summary>
    public string Manifest()
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, string> input in _inputs)
        {
            text.Append(input.Key).Append('=').Append(input.Value).Append('\n');
        }
        return text.ToString();
    }

    public string Compute() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Manifest())));
}
