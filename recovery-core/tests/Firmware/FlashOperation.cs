namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>One erase ('E') or write ('W') seen by <see cref="SimulatedFlashRegion"/>; <see cref="FirstUnit"/> is the power unit it started at.</summary>
internal readonly record struct FlashOperation(char Kind, int Lba, int Offset, int Length, long FirstUnit);
