using System;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Esp;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// One end-to-end recovery test's files, in a run folder of its own: the payload (Debian's pristine vars) and its
/// capsule (signed with the trusted EDK2 test key unless the test packs another) in an images folder, the vars file an
/// interrupted recovery leaves
/// (<see cref="E2eRecoveryLab.Interrupted"/>), and where the manager writes its result log. ESP images are built on
/// request (<see cref="BuildEsp"/>): every machine needs its own, since the app writes its marker there.
/// </summary>
internal sealed record E2eRecoveryFiles(string RunDirectory, byte[] Payload, string Images, byte[] Interrupted, string InterruptedVarsPath, string Results)
{
    /// <param name="pack">Puts the capsule to offer into the images folder (payload path, folder); null: the trusted one.</param>
    public static async Task<E2eRecoveryFiles> CreateAsync(string label, Func<string, string, Task>? pack = null)
    {
        string runDirectory = TestEnvironment.NewRunDirectory(label);
        (byte[] payload, string images) = pack == null
            ? await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory)
            : await E2eRecoveryLab.PackCapsuleAsync(runDirectory, pack);
        byte[] interrupted = E2eRecoveryLab.Interrupted(payload);
        string template = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(template, interrupted);
        return new E2eRecoveryFiles(runDirectory, payload, images, interrupted, template, Path.Combine(runDirectory, "results.jsonl"));
    }

    /// <summary>An ESP image in the run folder with the app and the in-progress marker of an interrupted recovery.</summary>
    public EspImage BuildEsp(string fileName = "esp.img") =>
        E2eRecoveryLab.BuildEsp(Path.Combine(RunDirectory, fileName), interruptedMarker: true);

    /// <summary>A folder of the run folder for one machine's boot (its vars copy, serial log, QEMU command).</summary>
    public string Boot(string name) => Path.Combine(RunDirectory, name);
}
