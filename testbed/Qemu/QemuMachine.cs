using System;
using System.Collections.Generic;
using System.IO;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// A configured OVMF + QEMU machine. <see cref="Start"/> gives the run its own copy of the vars
/// flash, then launches QEMU headless. Each start is independent, so machines can run in parallel.
/// </summary>
public sealed class QemuMachine
{
    private readonly string _qemuPath;
    private readonly string _ovmfCodePath;
    private readonly string _varsTemplatePath;

    public QemuMachineOptions Options { get; }

    public QemuMachine(QemuMachineOptions options)
    {
        Options = options;
        var needed = new List<HostTool>(HostTool.ForQemuBoot);
        if (options.NetworkNamespace != null)
        {
            needed.Add(HostTool.Ip);
        }
        IReadOnlyDictionary<HostTool, string> tools = HostTools.Require(needed.ToArray());
        _qemuPath = tools[HostTool.QemuSystemX86];
        _ovmfCodePath = tools[HostTool.OvmfCode];
        _varsTemplatePath = options.VarsTemplatePath ?? tools[HostTool.OvmfVars];
        if (!File.Exists(_varsTemplatePath))
        {
            throw new FileNotFoundException("Vars template not found", _varsTemplatePath);
        }
    }

    /// <summary>The vars copy's path for this machine's run folder.</summary>
    public string VarsPath => Path.Combine(Options.RunDirectory, "OVMF_VARS.fd");

    /// <summary>Copies the vars template and starts QEMU. <paramref name="onLine"/> sees every console line live.</summary>
    public QemuRun Start(Action<SerialLine>? onLine = null)
    {
        Directory.CreateDirectory(Options.RunDirectory);
        File.Copy(_varsTemplatePath, VarsPath, overwrite: true);
        List<string> qemuArguments = QemuCommandLine.Build(Options, _ovmfCodePath, VarsPath);

        string fileName = _qemuPath;
        var arguments = new List<string>();
        if (Options.NetworkNamespace != null)
        {
            // `ip netns exec` execs QEMU in place (same pid), so killing the run kills QEMU itself.
            fileName = HostTool.Ip.TryLocate(out string ip) ? ip : "ip";
            arguments.AddRange(new[] { "netns", "exec", Options.NetworkNamespace, _qemuPath });
        }
        arguments.AddRange(qemuArguments);
        return QemuRun.Start(fileName, arguments, VarsPath, Options.RunDirectory, Options.Timeout, onLine);
    }

    /// <summary>A fresh, unique run folder under <paramref name="baseDirectory"/> named after <paramref name="label"/>.</summary>
    public static string NewRunDirectory(string baseDirectory, string label)
    {
        var safe = new System.Text.StringBuilder();
        foreach (char c in label)
        {
            safe.Append(char.IsLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
        }
        string directory = Path.Combine(baseDirectory,
            $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{safe}-{Guid.NewGuid().ToString("N").Substring(0, 6)}");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
