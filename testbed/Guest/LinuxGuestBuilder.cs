using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// Builds the Linux guest the agent tests boot: Debian's kernel (linux-image-amd64 → its versioned package; the
/// vmlinuz is an EFI stub), the virtio and efivarfs modules from the same package, busybox-static, glibc (libc6)
/// and OpenSSL (libssl3, for the agent's RSA) — all fetched with apt-get download and unpacked with dpkg-deb -x,
/// nothing installed on the host — plus the published agent, its trusted keys and <see cref="GuestInitScript"/>,
/// in a gzip'd newc cpio. The result is cached under <c>CacheRoot/KEY/</c>, KEY being the hash of every input
/// (<see cref="GuestContentKey"/>): a second build with the same inputs only hashes them; guests of other inputs
/// are deleted. A .deb once in <c>debs/</c> is used until that folder is emptied (a newer Debian kernel is not
/// picked up by itself).
/// </summary>
public sealed class LinuxGuestBuilder
{
    public const string KernelMetaPackage = "linux-image-amd64";
    public static readonly string[] UserlandPackages = { "busybox-static", "libc6", "libssl3" };

    /// <summary>The glibc and OpenSSL files the agent loads (ldd, plus OpenSSL dlopen'ed by .NET's crypto).</summary>
    private static readonly string[] Libraries =
    {
        "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libm.so.6", "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        "usr/lib/x86_64-linux-gnu/libssl.so.3", "usr/lib/x86_64-linux-gnu/libcrypto.so.3",
    };

    private readonly List<(string Name, byte[] Pem)> _keys = new();

    /// <summary>Folder for the downloaded .debs (<c>debs/</c>) and the built guests (one folder per key).</summary>
    public required string CacheRoot { get; init; }

    /// <summary>Where the .debs are kept when not in <c>CacheRoot/debs</c>: a second cache root (the demo's) shares the first one's downloads.</summary>
    public string? PackageDirectory { get; init; }

    /// <summary>The NativeAOT agent (dotnet publish os-agent/src/Agent.csproj -c Release -r linux-x64).</summary>
    public required string AgentBinaryPath { get; init; }

    /// <summary>Adds a trusted instruction key (RSA-2048 public key, PEM) as /etc/uefirecovery-agent/keys/NAME.</summary>
    public LinuxGuestBuilder WithTrustedKey(string fileName, string publicKeyPem)
    {
        if (fileName.Length == 0 || fileName.Contains('/') || !fileName.EndsWith(".pem", StringComparison.Ordinal))
        {
            throw new ArgumentException("a key file name like manager.pem: \"" + fileName + "\"", nameof(fileName));
        }
        _keys.Add((fileName, Encoding.ASCII.GetBytes(publicKeyPem)));
        return this;
    }

    /// <summary>
    /// One build at a time in a process: test classes run in parallel, and two builds of the same guest would share a
    /// staging folder (named by the process id) and delete each other's files.
    /// </summary>
    private static readonly object BuildLock = new();

    public LinuxGuest Build()
    {
        if (_keys.Count == 0)
        {
            throw new InvalidOperationException("the agent refuses to start without a trusted key: add one with WithTrustedKey");
        }
        lock (BuildLock)
        {
            return BuildLocked();
        }
    }

    private LinuxGuest BuildLocked()
    {
        byte[] agent = File.ReadAllBytes(AgentBinaryPath);
        var debs = new DebianPackageCache(PackageDirectory ?? Path.Combine(CacheRoot, "debs"));
        string kernelMeta = debs.Require(KernelMetaPackage);
        var packages = new List<string> { debs.Require(DebianPackageCache.FirstDependency(kernelMeta)) };
        packages.AddRange(UserlandPackages.Select(debs.Require));

        var key = new GuestContentKey();
        foreach (string deb in packages)
        {
            key.Add("deb:" + Path.GetFileName(deb), File.ReadAllBytes(deb));
        }
        key.Add("agent", agent);
        key.Add("init", Encoding.UTF8.GetBytes(GuestInitScript.Text));
        key.Add("modules", Encoding.UTF8.GetBytes(string.Join("\n", GuestInitScript.Modules)));
        foreach ((string name, byte[] pem) in _keys)
        {
            key.Add("key:" + name, pem);
        }
        key.Add("layout", Encoding.UTF8.GetBytes(LayoutVersion));
        string contentKey = key.Compute();
        string folder = Path.Combine(CacheRoot, contentKey);
        string kernelPath = Path.Combine(folder, "vmlinuz.efi");
        string initrdPath = Path.Combine(folder, "initrd.img");
        string releasePath = Path.Combine(folder, "kernel-release");
        if (File.Exists(kernelPath) && File.Exists(initrdPath) && File.Exists(releasePath))
        {
            RemoveOtherGuests(contentKey);
            return new LinuxGuest(kernelPath, initrdPath, contentKey, File.ReadAllText(releasePath).Trim());
        }

        string work = Path.Combine(CacheRoot, "work-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        string staging = folder + ".partial-" + Environment.ProcessId;
        try
        {
            string tree = Path.Combine(work, "tree");
            foreach (string deb in packages)
            {
                DebianPackageCache.Extract(deb, tree);
            }
            string modulesRoot = Path.Combine(tree, "lib", "modules");
            string release = Path.GetFileName(Directory.GetDirectories(modulesRoot).Single());
            string kernel = Path.Combine(tree, "boot", "vmlinuz-" + release);
            Directory.CreateDirectory(staging);
            File.Copy(kernel, Path.Combine(staging, "vmlinuz.efi"), overwrite: true);
            using (FileStream file = File.Create(Path.Combine(staging, "initrd.img")))
            using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            {
                WriteInitramfs(gzip, tree, release, agent);
            }
            File.WriteAllText(Path.Combine(staging, "kernel-release"), release + "\n");
            File.WriteAllText(Path.Combine(staging, "inputs.txt"), key.Manifest());
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            Directory.Move(staging, folder);
            RemoveOtherGuests(contentKey);
            return new LinuxGuest(kernelPath, initrdPath, contentKey, release);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Deletes the guests built from other inputs (each ~15 MB; every agent change makes a new one). Only folders
    /// named by a key are touched, never debs/ or a build in progress.
    /// </summary>
    private void RemoveOtherGuests(string keep)
    {
        foreach (string folder in Directory.GetDirectories(CacheRoot))
        {
            string name = Path.GetFileName(folder);
            if (name != keep && name.Length == 64 && name.All(char.IsAsciiHexDigitLower))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Changes whenever WriteInitramfs lays the archive out differently, so older cached guests are not reused.</summary>
    private const string LayoutVersion = "2";

    private void WriteInitramfs(Stream output, string tree, string release, byte[] agent)
    {
        var cpio = new CpioNewcWriter(output);
        foreach (string directory in new[]
        {
            "bin", "dev", "proc", "sys", "run", "tmp", "etc", "etc/uefirecovery-agent", GuestInitScript.KeyDirectory,
            "lib", "lib/modules", "lib/x86_64-linux-gnu", "lib64", "usr", "usr/lib", "usr/lib/x86_64-linux-gnu",
            "usr/lib/uefirecovery-agent", "boot",
        })
        {
            cpio.AddDirectory(directory, 0x1EDu);
        }
        cpio.AddFile("init", Encoding.UTF8.GetBytes(GuestInitScript.Text), 0x1ED);
        cpio.AddFile("bin/busybox", ReadInTree(tree, "bin/busybox"), 0x1ED);
        cpio.AddFile("etc/guest-modules", Encoding.UTF8.GetBytes(string.Join("\n", GuestInitScript.Modules) + "\n"));
        string[] moduleFiles = Directory.GetFiles(Path.Combine(tree, "lib", "modules", release, "kernel"), "*.ko", SearchOption.AllDirectories);
        foreach (string module in GuestInitScript.Modules)
        {
            string file = moduleFiles.SingleOrDefault(f => Path.GetFileNameWithoutExtension(f) == module)
                ?? throw new InvalidOperationException("kernel " + release + " has no " + module + ".ko (built in? then drop it from GuestInitScript.Modules)");
            cpio.AddFile("lib/modules/" + module + ".ko", File.ReadAllBytes(file));
        }
        foreach (string library in Libraries)
        {
            cpio.AddFile(library, ReadInTree(tree, library), 0x1ED);
        }
        cpio.AddSymlink("lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        cpio.AddFile(GuestInitScript.AgentPath, agent, 0x1ED);
        foreach ((string name, byte[] pem) in _keys)
        {
            cpio.AddFile(GuestInitScript.KeyDirectory + "/" + name, pem, 0x1A4);
        }
        cpio.Finish();
    }

    /// <summary>A file of the unpacked packages, following symlinks inside the tree (an absolute target is taken relative to the tree, never the host).</summary>
    internal static byte[] ReadInTree(string tree, string relativePath)
    {
        string path = relativePath;
        for (int hops = 0; hops < 16; hops++)
        {
            var info = new FileInfo(Path.Combine(tree, path));
            if (info.LinkTarget == null)
            {
                if (!info.Exists)
                {
                    throw new FileNotFoundException("the unpacked packages have no " + relativePath + " (" + path + ")");
                }
                return File.ReadAllBytes(info.FullName);
            }
            string target = info.LinkTarget;
            path = target.StartsWith('/') ? target.TrimStart('/') : Path.GetRelativePath(tree, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(info.FullName)!, target)));
            if (path.StartsWith("..", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(relativePath + " links outside the unpacked packages");
            }
        }
        throw new InvalidOperationException(relativePath + ": too many symlinks");
    }
}
