using System.Runtime.CompilerServices;

// efi-app reaches the runtime's start-up and machine-exit hooks (Internal.Runtime.EfiRuntime) through
// internals, so the shim's public surface stays a strict subset of .NET's.
[assembly: InternalsVisibleTo("UefiRecovery.EfiApp")]
