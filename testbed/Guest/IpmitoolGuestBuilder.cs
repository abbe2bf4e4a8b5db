using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// Builds the Linux guest that cross-checks the test BMC with a real IPMI client: Debian's kernel (the same package
/// as <see cref="LinuxGuestBuilder"/>'s), its IPMI modules, busybox-static and Debian's ipmitool with the libraries it
/// loads, fetched with apt-get download and unpacked with dpkg-deb -x (nothing installed on the host), in a gzip'd
/// newc cpio whose /init is <see cref="IpmitoolGuestInitScript"/>. Cached like the agent guest: under
/// <c>CacheRoot/KEY/</c>, KEY the hash of every input; guests of other inputs are deleted.
/// </summary>
public sealed class IpmitoolGuestBuilder
{
    /// <summary>ipmitool and what its NEEDED entries pull in (readelf -d, Debian 12): libfreeipmi → libgcrypt → libgpg-error, libreadline → libtinfo, libcrypto (libssl3), glibc.</summary>
    public static readonly string[] UserlandPackages =
    {
        "busybox-static", "libc6", "ipmitool", "libfreeipmi17", "libgcrypt20", "libgpg-error0", "libreadline8", "libtinfo6", "libssl3",
    };

    private static readonly string[] Libraries =
    {
        "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libm.so.6", "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        "usr/lib/x86_64-linux-gnu/libfreeipmi.so.17", "usr/lib/x86_64-linux-gnu/libgcrypt.so.20", "lib/x86_64-linux-gnu/libgpg-error.so.0",
        "lib/x86_64-linux-gnu/libreadline.so.8", "lib/x86_64-linux-gnu/libtinfo.so.6", "usr/lib/x86_64-linux-gnu/libcrypto.so.3",
    };

    private const string EnterpriseNumbersPath = "usr/share/misc/enterprise-numbers.txt";

    /// <summary>Folder for the built guests (one folder per key).</summary>
    public required string CacheRoot { get; init; }

    /// <summary>Where the .debs are kept (shared with the agent guest's cache: the kernel, busybox and glibc are the same).</summary>
    public required string PackageDirectory { get; init; }

    private static readonly object BuildLock = new();

    public LinuxGuest Build()
    {
        lock (BuildLock)
        {
            return BuildLocked();
        }
    }

    private LinuxGuest BuildLocked()
    {
        var debs = new DebianPackageCache(PackageDirectory);
        string kernelMeta = debs.Require(LinuxGuestBuilder.KernelMetaPackage);
        var packages = new List<string> { debs.Require(DebianPackageCache.FirstDependency(kernelMeta)) };
        packages.AddRange(UserlandPackages.Select(debs.Require));

        var key = new GuestContentKey();
        foreach (string deb in packages)
        {
            key.Add("deb:" + Path.GetFileName(deb), File.ReadAllBytes(deb));
        }
        key.Add("init", Encoding.UTF8.GetBytes(IpmitoolGuestInitScript.Text));
        key.Add("modules", Encoding.UTF8.GetBytes(string.Join("\n", IpmitoolGuestInitScript.Modules)));
        key.Add("libraries", Encoding.UTF8.GetBytes(string.Join("\n", Libraries) + "\n" + EnterpriseNumbersPath));
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
            string release = Path.GetFileName(Directory.GetDirectories(Path.Combine(tree, "lib", "modules")).Single());
            Directory.CreateDirectory(staging);
            File.Copy(Path.Combine(tree, "boot", "vmlinuz-" + release), Path.Combine(staging, "vmlinuz.efi"), overwrite: true);
            using (FileStream file = File.Create(Path.Combine(staging, "initrd.img")))
            using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
            {
                WriteInitramfs(gzip, tree, release);
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

    private static void WriteInitramfs(Stream output, string tree, string release)
    {
        var cpio = new CpioNewcWriter(output);
        foreach (string directory in new[]
        {
            "bin", "dev", "proc", "sys", "run", "tmp", "etc", "lib", "lib/modules", "lib/x86_64-linux-gnu", "lib64",
            "usr", "usr/bin", "usr/lib", "usr/lib/x86_64-linux-gnu", "usr/share", "usr/share/misc",
        })
        {
            cpio.AddDirectory(directory, 0x1EDu);
        }
        cpio.AddFile("init", Encoding.UTF8.GetBytes(IpmitoolGuestInitScript.Text), 0x1ED);
        cpio.AddFile("bin/busybox", LinuxGuestBuilder.ReadInTree(tree, "bin/busybox"), 0x1ED);
        cpio.AddFile(IpmitoolGuestInitScript.IpmitoolPath, LinuxGuestBuilder.ReadInTree(tree, IpmitoolGuestInitScript.IpmitoolPath), 0x1ED);
        // ipmitool names manufacturers from the IANA registry its package ships (and complains on stderr without it).
        cpio.AddFile(EnterpriseNumbersPath, LinuxGuestBuilder.ReadInTree(tree, EnterpriseNumbersPath));
        cpio.AddFile("etc/guest-modules", Encoding.UTF8.GetBytes(string.Join("\n", IpmitoolGuestInitScript.Modules) + "\n"));
        string[] moduleFiles = Directory.GetFiles(Path.Combine(tree, "lib", "modules", release, "kernel"), "*.ko", SearchOption.AllDirectories);
        foreach (string module in IpmitoolGuestInitScript.Modules)
        {
            string file = moduleFiles.SingleOrDefault(f => Path.GetFileNameWithoutExtension(f) == module)
                ?? throw new InvalidOperationException("kernel " + release + " has no " + module + ".ko (CONFIG_IPMI_* built in or off?)");
            cpio.AddFile("lib/modules/" + module + ".ko", File.ReadAllBytes(file));
        }
        foreach (string library in Libraries)
        {
            cpio.AddFile(library, LinuxGuestBuilder.ReadInTree(tree, library), 0x1ED);
        }
        cpio.AddSymlink("lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        cpio.Finish();
    }
}
