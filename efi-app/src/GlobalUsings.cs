// The namespaces nearly every file of the app reads: the runtime's System, the shared GUID, the safe UEFI layer
// and the services present in every build (with and without the portable core). Uefi.Raw stays a per-file
// using on purpose: the boundary test (tests/Boundary) finds raw bindings used outside Uefi/ by it.
global using System;
global using UefiRecovery.Core.Common;
global using UefiRecovery.Efi.Uefi;
global using UefiRecovery.Efi.Services.Config;
global using UefiRecovery.Efi.Services.Console;
global using UefiRecovery.Efi.Services.Entropy;
global using UefiRecovery.Efi.Services.Machine;
#if PORTABLE_CORE
// With the portable core compiled in: its namespaces and the services built on it. Type names are unique across
// these and the app's own namespaces except the raw UEFI twins (Uefi.Raw.MacAddress, Uefi.Raw.CapsuleHeader),
// which files under Uefi/ name through Raw.
global using UefiRecovery.Core.Config;
global using UefiRecovery.Core.Firmware;
global using UefiRecovery.Core.Image;
global using UefiRecovery.Core.Protocol;
global using UefiRecovery.Core.Protocol.Client;
global using UefiRecovery.Core.Protocol.Wire;
global using UefiRecovery.Netstack;
global using UefiRecovery.Netstack.Iface;
global using UefiRecovery.Netstack.Socket;
global using UefiRecovery.Netstack.Wire;
global using UefiRecovery.Efi.Services.Firmware;
global using UefiRecovery.Efi.Services.Network;
#endif
