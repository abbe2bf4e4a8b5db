using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.Testbed.Esp;

/// <summary>
/// Collects the files of an EFI System Partition (the boot application at the removable-media path,
/// UEFI 2.10 §3.5.1.1, plus any extra files such as config or startup.nsh) and writes them either
/// to a folder or to a FAT image.
/// </summary>
public sealed class EspBuilder
{
    /// <summary>UEFI's default boot path for x64 removable media.</summary>
    public const string DefaultBootPath = "EFI/BOOT/BOOTX64.EFI";

    private readonly List<KeyValuePair<string, byte[]>> _files = new();

    /// <summary>Copies an EFI application to \EFI\BOOT\BOOTX64.EFI, or to <paramref name="bootPath"/> (arm64: <see cref="Qemu.QemuArch.EspBootPath"/>).</summary>
    public EspBuilder WithBootApplication(string efiApplicationPath, string bootPath = DefaultBootPath) =>
        WithFile(bootPath, File.ReadAllBytes(efiApplicationPath));

    public EspBuilder WithFile(string relativePath, byte[] content)
    {
        ValidateRelativePath(relativePath);
        _files.RemoveAll(f => string.Equals(f.Key, relativePath, StringComparison.OrdinalIgnoreCase));
        _files.Add(new KeyValuePair<string, byte[]>(relativePath, content));
        return this;
    }

    /// <summary>Adds a text file with CRLF line ends (what the UEFI shell and most firmware parsers expect).</summary>
    public EspBuilder WithTextFile(string relativePath, string text) =>
        WithFile(relativePath, Encoding.ASCII.GetBytes(text.Replace("\r\n", "\n").Replace("\n", "\r\n")));

    public IReadOnlyList<string> RelativePaths
    {
        get
        {
            var paths = new List<string>();
            foreach (KeyValuePair<string, byte[]> file in _files)
            {
                paths.Add(file.Key);
            }
            return paths;
        }
    }

    /// <summary>Writes the ESP to an empty (or new) folder for QEMU's <c>fat:rw:</c> driver.</summary>
    public EspFolder BuildFolder(string directory)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new InvalidOperationException("ESP folder must be empty: " + directory);
        }
        Directory.CreateDirectory(directory);
        foreach (KeyValuePair<string, byte[]> file in _files)
        {
            string target = HostPath(directory, file.Key);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, file.Value);
        }
        return new EspFolder(directory);
    }

    /// <summary>Writes the ESP as a FAT image of <paramref name="sizeMiB"/> MiB (mkfs.vfat, then mmd/mcopy).</summary>
    public EspImage BuildFatImage(string imagePath, int sizeMiB = 64)
    {
        IReadOnlyDictionary<HostTool, string> tools = HostTools.Require(HostTool.ForFatImage);
        if (File.Exists(imagePath))
        {
            File.Delete(imagePath);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(imagePath))!);
        HostCommand.RunChecked(tools[HostTool.MkfsVfat], "-C", "-n", "UEFIRECOV", imagePath, (sizeMiB * 1024).ToString());

        string staging = Path.Combine(Path.GetTempPath(), "esp-staging-" + Guid.NewGuid().ToString("N"));
        try
        {
            var createdDirectories = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, byte[]> file in _files)
            {
                string[] parts = file.Key.Split('/');
                string image = "::";
                for (int i = 0; i < parts.Length - 1; i++)
                {
                    image += "/" + parts[i];
                    if (createdDirectories.Add(image))
                    {
                        HostCommand.RunChecked(tools[HostTool.MMd], "-i", imagePath, image);
                    }
                }
                string source = Path.Combine(staging, Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(staging);
                File.WriteAllBytes(source, file.Value);
                HostCommand.RunChecked(tools[HostTool.MCopy], "-i", imagePath, source, "::/" + file.Key);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        return new EspImage(imagePath);
    }

    internal static string HostPath(string root, string relativePath) =>
        Path.Combine(root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    private static void ValidateRelativePath(string relativePath)
    {
        if (relativePath.Length == 0 || relativePath.StartsWith('/') || relativePath.Contains('\\') ||
            Array.IndexOf(relativePath.Split('/'), "..") >= 0 || Array.IndexOf(relativePath.Split('/'), "") >= 0)
        {
            throw new ArgumentException("ESP paths are relative, '/'-separated, without '..' or empty parts: " + relativePath);
        }
    }
}
