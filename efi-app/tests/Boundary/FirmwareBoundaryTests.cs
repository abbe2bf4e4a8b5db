using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Xunit;

namespace UefiRecovery.Efi.Tests.Boundary;

/// <summary>efi-app/src: modes and services reach the firmware only through the safe layer in Uefi/ (README there).</summary>
public class FirmwareBoundaryTests
{
    public static TheoryData<string, string, string> PlantedViolations => new()
    {
        { "Modes/Recovery/Planted.cs", "using UefiRecovery.Efi.Uefi.Raw;", "raw bindings namespace" },
        { "Services/Network/Planted.cs", "var x = UefiRecovery.Efi.Uefi.Raw.ResetType.Cold;", "raw bindings namespace" },
        { "Services/Network/Planted.cs", "boot->Stall(10);", "pointer dereference" },
        { "Modes/NetDiag/Planted.cs", "EfiStatus s = rt->ResetSystem(0, 0, 0, null);", "pointer dereference" },
        { "Modes/Recovery/Planted.cs", "device = image.Pointer->DeviceHandle;", "raw pointer of a safe wrapper" },
        { "Modes/Recovery/Planted.cs", "device = image.Pointer->DeviceHandle;", "pointer dereference" },
        { "Services/Firmware/Planted.cs", "delegate* unmanaged<void*, EfiStatus> call = slot;", "unmanaged function pointer" },
        { "Services/Firmware/Planted.cs", "var table = system.Raw;", "raw pointer of a safe wrapper" },
        { "Modes/SelfTest/RuntimeChecks.cs", "using UefiRecovery.Efi.Uefi.Raw;", "raw bindings namespace" },
        { "Program.cs", "var boot = system . Raw ;", "raw pointer of a safe wrapper" },
    };

    public static TheoryData<string, string> AllowedSources => new()
    {
        { "Uefi/UefiBootServices.cs", "raw->Stall(10); delegate* unmanaged<void> f; using UefiRecovery.Efi.Uefi.Raw;" },
        { "Uefi/Raw/BootServices.cs", "public delegate* unmanaged<nuint, EfiStatus> Stall;" },
        { "Modes/Recovery/Planted.cs", "// boot->Stall(10) was here; UefiRecovery.Efi.Uefi.Raw is not used" },
        { "Modes/Recovery/Planted.cs", "/* system.Raw */ Write(\"boot->Stall and Uefi.Raw\");" },
        { "Modes/SelfTest/RuntimeChecks.cs", "bool ok = MethodTable.Of<int>()->IsValueType;" },
        { "Services/Network/Planted.cs", "int rawCount = x.RawCount; var p = new Span<char>(buffer);" },
    };

    [Theory]
    [MemberData(nameof(PlantedViolations))]
    public void Violations_FirmwareCallOutsideUefi_Reported(string path, string source, string rule)
    {
        Assert.Contains(FirmwareBoundary.Violations(path, source), violation => violation.Contains(": " + rule + ": "));
    }

    [Theory]
    [MemberData(nameof(AllowedSources))]
    public void Violations_SafeLayerCommentOrAllowedRead_NoneReported(string path, string source)
    {
        Assert.Empty(FirmwareBoundary.Violations(path, source));
    }

    [Fact]
    public void Violations_EfiAppSources_NoFirmwareCallOutsideUefi()
    {
        string src = SourceDirectory();
        string[] files = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .ToArray();
        // The walk must see the modes and services, or an empty tree would pass.
        Assert.Contains("Modes/Recovery/RecoveryRun.cs", files);
        Assert.Contains("Services/Network/NetworkBringUp.cs", files);

        var violations = new List<string>();
        foreach (string file in files)
            violations.AddRange(FirmwareBoundary.Violations(file, File.ReadAllText(Path.Combine(src, file))));

        Assert.True(violations.Count == 0,
            "Firmware calls outside efi-app/src/Uefi/ (add a safe wrapper there instead):\n" + string.Join("\n", violations));
    }

    [Fact]
    public void PointerDereferenceAllowed_EveryEntry_Exists()
    {
        string src = SourceDirectory();
        foreach (string file in FirmwareBoundary.PointerDereferenceAllowed)
            Assert.True(File.Exists(Path.Combine(src, file)), file + " is allowed '->' but no longer exists");
    }

    // efi-app/src, from this file's place in the tree (efi-app/tests/Boundary).
    private static string SourceDirectory([CallerFilePath] string thisFile = "")
    {
        string src = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "src"));
        Assert.True(File.Exists(Path.Combine(src, "EfiApp.csproj")), "efi-app/src not found at " + src);
        return src;
    }
}
