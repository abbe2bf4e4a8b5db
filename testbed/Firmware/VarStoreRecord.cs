using System;

namespace UefiRecovery.Testbed.Firmware;

/// <summary>One variable record found in an EDK II authenticated variable store (<see cref="VarStoreWriter.ReadAll"/>).</summary>
public sealed record VarStoreRecord(int Offset, byte State, uint Attributes, string Name, Guid VendorGuid, byte[] Data);
