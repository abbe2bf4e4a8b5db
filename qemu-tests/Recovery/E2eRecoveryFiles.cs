using System;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// One end-to-end recovery test's files, in a run folder of its own, for one architecture (<see cref="E2ePlatform"/>,
/// x64 unless given): the payload (the region of a valid flash: Debian's pristine OVMF vars, or on AAVMF the flash its
/// first boot formatted) and its capsule (signed with the trusted EDK2 test key unless the test packs another) in an
/// images folder, the flash an interrupted recovery leaves (<see cref="E2ePlatform.Interrupted"/>), and where the
/// manager writes its result log. ESP images are built on request (<see cref="BuildEsp"/>): every machine needs its
/// own, since the app writes its marker there.
/// </summary>
internal sealed record E2eRecoveryFiles(string RunDirectory, byte[] Payload, string Images, byte[] Interrupted, string InterruptedVarsPath, string Results)
{
    public E2ePlatform Platform { get; private init; } = E2ePlatform.X64;

    /// <param name="pack">Puts the capsule to offer into the images folder (payload path, folder); null: the trusted one.</param>
    /// <param name="platform">The architecture whose flash and region the files are (null: x64).</param>
    public static async Task<E2eRecoveryFiles> CreateAsync(string label, Func<string, string, Task>? pack = null, E2ePlatform? platform = null)
    {
        platform ??= E2ePlatform.X64;
        string runDirectory = TestEnvironment.NewRunDirectory(label);
        byte[] flash = await platform.ValidFlashAsync(runDirectory);
        (byte[] payload, string images) = pack == null
            ? await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory, platform.Region(flash))
            : await E2eRecoveryLab.PackCapsuleAsync(runDirectory, platform.Region(flash), pack);
        byte[] interrupted = platform.Interrupted(flash);
        string template = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(template, interrupted);
        return new E2eRecoveryFiles(runDirectory, payload, images, interrupted, template, Path.Combine(runDirectory, "results.jsonl"))
        {
            Platform = platform,
        };
    }

    /// <summary>An ESP image in the run folder with the platform's app and the in-progress marker of an interrupted recovery.</summary>
    public EspImage BuildEsp(string fileName = "esp.img") =>
        Platform.Esp().WithInProgressMarker().BuildFatImage(Path.Combine(RunDirectory, fileName));

    /// <summary>
    /// <see cref="E2eRecoveryLab.AssertRecovered"/> for the machine that started from <see cref="InterruptedVarsPath"/>: the
    /// region equals the payload (and on AAVMF the flash beyond it is as it was), the result log has its success.
    /// </summary>
    public void AssertRecovered(QemuExit exit, SerialLog serial, string context) =>
        E2eRecoveryLab.AssertRecovered(exit, serial, Payload, Results, context, flashBefore: Interrupted);

    /// <summary>A folder of the run folder for one machine's boot (its vars copy, serial log, QEMU command).</summary>
    public string Boot(string name) => Path.Combine(RunDirectory, name);
}
