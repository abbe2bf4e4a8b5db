// The part of efi-app's src/GlobalUsings.cs whose namespaces this project compiles (Uefi, the GUID, the console
// line, the entropy mix): the app's files it includes rely on them.
global using System;
global using UefiRecovery.Core.Common;
global using UefiRecovery.Efi.Uefi;
global using UefiRecovery.Efi.Services.Console;
global using UefiRecovery.Efi.Services.Entropy;
global using UefiRecovery.Efi.Services.Config;
