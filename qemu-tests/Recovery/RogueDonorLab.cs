using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Helpers of the rogue-donor and power-loss tests: capsules packed with any key, version and image type,
/// a rogue <c>serve --insecure-serve-unverified</c>, the machine's settings and the vars comparisons.
/// Namespaces and devices are prefixed "rog".
/// </summary>
internal static class RogueDonorLab
{
    public const string Subnet = "10.215.0";
    public const string HostAddress = Subnet + ".1";
    public const string MachineAddress = Subnet + ".20";
    public const string Listen = HostAddress + ":40123";
    public const int BlockSize = 4096;

    public static byte[] Payload() => File.ReadAllBytes("/usr/share/OVMF/OVMF_VARS_4M.fd");

    /// <summary><c>image pack</c> with an explicit key, FwVersion, LowestSupportedVersion and ImageTypeId.</summary>
    public static async Task<string> PackAsync(string payloadPath, string keyPath, string version, string lsv, string imageType, string outputPath)
    {
        string dll = await RecoveryManager.RequireAsync();
        HostCommandResult pack = HostCommand.Run("dotnet", new[]
        {
            dll, "image", "pack", "--payload", payloadPath, "--image-type", imageType, "--version", version,
            "--lsv", lsv, "--key", keyPath, "-o", outputPath,
        }, TimeSpan.FromMinutes(3));
        if (!pack.Succeeded || !File.Exists(outputPath))
        {
            throw new InvalidOperationException("image pack failed: " + pack);
        }
        return outputPath;
    }

    /// <summary>
    /// Starts <c>serve</c> in <paramref name="ns"/>; <paramref name="rogue"/> adds <c>--insecure-serve-unverified</c>
    /// (no load-time checks, announced as whatever the machine asks for). Waits for the ready line.
    /// </summary>
    public static async Task<NamespaceProcess> ServeAsync(NetworkNamespace ns, string imagesDir, string resultsPath, bool rogue)
    {
        string dll = await RecoveryManager.RequireAsync();
        var arguments = new List<string>
        {
            dll, "serve", "--images", imagesDir, "--listen", Listen, "--delivery", "broadcast", "--destination", Subnet + ".255",
            "--trusted-key-hash", RecoveryManager.TestKeyHash, "--results", resultsPath, "--status-http", "off", "--live", "false",
            "--rate", "20", "--client-timeout", "300", "--name", "rog-test",
        };
        if (rogue)
        {
            arguments.Add("--insecure-serve-unverified");
        }
        return await RecoveryManager.StartAndWaitReadyAsync(ns, arguments);
    }

    public static string[] MachineOemStrings(string mode) => new[]
    {
        "uefirecovery.mode=" + mode,
        EfiAppConsole.DebugExitOemString,
        $"uefirecovery.ip={MachineAddress}/24",
        "uefirecovery.manager=" + Listen,
        "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
        "uefirecovery.image-type=" + RecoveryManager.ImageType,
        "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
    };

    public static int IndexOf(SerialLog serial, string pattern)
    {
        var regex = new Regex(pattern);
        for (int i = 0; i < serial.Lines.Count; i++)
        {
            if (regex.IsMatch(serial.Lines[i].Text))
            {
                return i;
            }
        }
        return -1;
    }

    public static string DifferingBlocks(byte[] a, byte[] b)
    {
        var blocks = new List<int>();
        for (int block = 0; block * BlockSize < Math.Min(a.Length, b.Length); block++)
        {
            if (!a.AsSpan(block * BlockSize, BlockSize).SequenceEqual(b.AsSpan(block * BlockSize, BlockSize)))
            {
                blocks.Add(block);
            }
        }
        return blocks.Count == 0 ? "none" : string.Join(",", blocks);
    }
}
