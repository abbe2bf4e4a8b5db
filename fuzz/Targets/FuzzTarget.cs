using System;
using System.Collections.Generic;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// One parser family under the fuzzer. <see cref="Run"/> feeds one input through the family's entry points
/// exactly as hostile bytes would reach them; any exception that escapes is a finding (a crash for
/// afl-fuzz). Targets catch nothing: the code under test returns errors as values, so an exception is a bug.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The name on the command line and of the corpus folder (fuzz/corpus/NAME).</summary>
    public abstract string Name { get; }

    /// <summary>One line for `list` and the docs.</summary>
    public abstract string Description { get; }

    public abstract void Run(ReadOnlySpan<byte> input);

    /// <summary>Seeds made at run time from the code's own emit functions (so they follow format changes).</summary>
    public virtual IEnumerable<(string Name, byte[] Data)> GeneratedSeeds() => Array.Empty<(string, byte[])>();

    /// <summary>Seeds derived from ../shared/vectors when that folder is present (never copied into the repo).</summary>
    public virtual IEnumerable<(string Name, byte[] Data)> SharedSeeds(string sharedDir) => Array.Empty<(string, byte[])>();
}
