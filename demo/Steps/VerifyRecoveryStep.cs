using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Steps;

/// <summary>Checks on the host what the VM claimed: the flash equals the payload byte for byte, and the manager logged success for its MAC.</summary>
public sealed class VerifyRecoveryStep : IDemoStep
{
    public string Title => "Check the result on the host (flash contents, manager's result log)";

    public Task<StepResult> RunAsync(DemoContext context)
    {
        RecoveryDemoState state = context.Recovery;
        byte[] payload = File.ReadAllBytes(state.PayloadPath!);
        byte[] after = File.ReadAllBytes(state.RecoveryExit!.VarsPath);
        string differing = DifferingBlocks(payload, after);
        // The region is the whole flash on OVMF; on AAVMF its first payload.Length bytes (the rest of the 64 MiB is not the region).
        bool wholeFlash = state.FlashTemplatePath is null;
        state.RegionVerified = (wholeFlash ? payload.Length == after.Length : payload.Length <= after.Length)
            && payload.AsSpan().SequenceEqual(after.AsSpan(0, Math.Min(after.Length, payload.Length)));
        Console.WriteLine(state.RegionVerified
            ? $"   flash {state.RecoveryExit.VarsPath}: {(wholeFlash ? "equals the payload, all" : "its region equals the payload, the first")} {(wholeFlash ? after.Length : payload.Length)} bytes"
            : $"   flash {state.RecoveryExit.VarsPath}: DIFFERS from the payload ({after.Length} vs {payload.Length} bytes; 4 KiB blocks {differing})");

        string results = Path.Combine(context.RunDirectory, "results.jsonl");
        string mac = QemuMachineOptions.DefaultMacAddress;
        var success = new Regex("\"clientId\":\"" + Regex.Escape(mac) + "\".*\"outcome\":\"success\",\"code\":0");
        if (File.Exists(results))
        {
            foreach (string line in File.ReadAllLines(results))
            {
                if (success.IsMatch(line))
                {
                    state.ResultLogged = true;
                    state.ResultLogLine = line;
                }
            }
        }
        Console.WriteLine(state.ResultLogged
            ? $"   manager result log {results}: {state.ResultLogLine}"
            : $"   manager result log {results}: NO success line for {mac}");
        return Task.FromResult(state.RegionVerified && state.ResultLogged
            ? StepResult.Ok("region recovered and verified by the host; the manager recorded the success")
            : StepResult.Failed("the host's checks do not confirm the recovery (see above)"));
    }

    private static string DifferingBlocks(byte[] a, byte[] b)
    {
        var blocks = new List<int>();
        for (int block = 0; block * 4096 < Math.Min(a.Length, b.Length); block++)
        {
            int length = Math.Min(4096, Math.Min(a.Length, b.Length) - block * 4096);
            if (!a.AsSpan(block * 4096, length).SequenceEqual(b.AsSpan(block * 4096, length)))
            {
                blocks.Add(block);
            }
        }
        return blocks.Count == 0 ? "none" : string.Join(",", blocks);
    }
}
