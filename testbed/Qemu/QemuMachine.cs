using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
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
        var needed = new List<HostTool>(options.Arch.ToolsForBoot);
        if (options.NetworkNamespace != null)
        {
            needed.Add(HostTool.Ip);
        }
        if (options.FlashTracing != null)
        {
            needed.Add(HostTool.Strace);
        }
        IReadOnlyDictionary<HostTool, string> tools = HostTools.Require(needed.ToArray());
        _qemuPath = tools[options.Arch.Qemu];
        _ovmfCodePath = options.FirmwareCodePath ?? tools[options.Arch.FirmwareCode];
        if (!File.Exists(_ovmfCodePath))
        {
            throw new FileNotFoundException("Firmware code image not found", _ovmfCodePath);
        }
        _varsTemplatePath = options.VarsTemplatePath ?? tools[options.Arch.FirmwareVars];
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
            arguments.AddRange(new[] { "netns", "exec", Options.NetworkNamespace });
        }
        if (Options.FlashTracing is { AttachOn: null })
        {
            // strace runs QEMU as its child; killing the run's process tree ends both.
            string strace = HostTool.Strace.TryLocate(out string path) ? path : "strace";
            if (Options.NetworkNamespace == null)
            {
                fileName = strace;
            }
            else
            {
                arguments.Add(strace);
            }
            arguments.AddRange(StraceArguments(Options.FlashTracing, Path.GetFullPath(VarsPath)));
        }
        if (fileName != _qemuPath)
        {
            arguments.Add(_qemuPath);
        }
        arguments.AddRange(qemuArguments);
        if (Options.FlashTracing is not { AttachOn: not null } attachLater)
        {
            return QemuRun.Start(fileName, arguments, VarsPath, Options.RunDirectory, Options.Timeout, onLine);
        }

        // strace attaches on the chosen console line (from the console reader, before the line is handed on).
        var pid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tracer = new TaskCompletionSource<FlashWriteTracer>(TaskCreationOptions.RunContinuationsAsynchronously);
        string straceProgram = HostTool.Strace.TryLocate(out string found) ? found : "strace";
        string vars = Path.GetFullPath(VarsPath);
        void OnLine(SerialLine line)
        {
            if (!tracer.Task.IsCompleted && attachLater.AttachOn!.IsMatch(line.Text))
            {
                tracer.TrySetResult(FlashWriteTracer.Start(straceProgram, attachLater, vars, pid.Task.GetAwaiter().GetResult()));
            }
            onLine?.Invoke(line);
        }
        QemuRun run = QemuRun.Start(fileName, arguments, VarsPath, Options.RunDirectory, Options.Timeout, OnLine);
        pid.TrySetResult(run.ProcessId);
        run.FlashTracerStarted = tracer.Task;
        return run;
    }

    /// <summary>
    /// strace options for <see cref="FlashWriteTracing"/>: follow QEMU's threads, only pwrite64 calls on the vars
    /// file (-P), each with its time (-ttt), no data (-s 0), and with a cut, EIO plus SIGKILL in place of the n-th such call. Not
    /// --seccomp-bpf: with it strace 6.1 returned the injected error but did not deliver the signal.
    /// </summary>
    public static IReadOnlyList<string> StraceArguments(FlashWriteTracing tracing, string varsPath, bool quiet = true)
    {
        var arguments = new List<string> { "-f", "-ttt", "-s", "0", "-e", "trace=pwrite64", "-P", varsPath, "-o", Path.GetFullPath(tracing.TracePath) };
        if (quiet)
        {
            arguments.Add("-qq");
        }
        if (tracing.CutBeforeWrite > 0)
        {
            arguments.Add("-e");
            arguments.Add("inject=pwrite64:error=EIO:signal=SIGKILL:when=" + tracing.CutBeforeWrite.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (quiet)
        {
            arguments.Add("--");
        }
        return arguments;
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
