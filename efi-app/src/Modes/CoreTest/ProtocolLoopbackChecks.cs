#if PORTABLE_CORE

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// The recovery protocol client (ClientSession) against <see cref="LoopbackDonor"/>, on the shim: a 50 000-byte
/// image in 1000-byte fragments with losses on the first pass must be reassembled byte-exact through NACK and
/// bitmap repair, verified, reported and acknowledged. Time is simulated (5 ms per poll), as the host tests do.
/// </summary>
internal static class ProtocolLoopbackChecks
{
    public static unsafe void Run(CoreTestReport report)
    {
        byte[] image = new byte[50000];
        for (int i = 0; i < image.Length; i++)
            image[i] = (byte)(i * 31 + 7);
        LoopbackDonor donor = new LoopbackDonor(image);
        ClientConfig config = new ClientConfig();
        config.MacAddress = 0x525400123456;
        config.ImageCapacity = 65536;
        config.RandomSeed = 42;
        ClientSetupStatus setup = ClientSession.TryCreate(config, donor, new ImageMatchVerifier(image), out ClientSession? client);
        report.Check("protocol.client-setup", setup == ClientSetupStatus.Ok && client != null);
        if (setup != ClientSetupStatus.Ok || client == null)
            return;

        ulong now = 0;
        while (client.State != ClientState.Finished && now < 200000)
        {
            ClientEvents events = client.Poll(now);
            if ((events & ClientEvents.ImageVerified) != 0)
                client.ReportOutcome(now, true, ResultReason.None, 7);
            now += 5;
        }

        report.Check("protocol.loopback-transfer-finished", client.State == ClientState.Finished && client.ResultAcknowledged && donor.ResultAcked);
        report.Check("protocol.loopback-image-byte-exact", client.VerifiedImage.SequenceEqual(image));
        report.Check("protocol.loopback-nack-and-bitmap-repair", donor.StatusesSeen > 0 && donor.BitmapsSeen > 0 && donor.DataSent > donor.FirstPassSent);
        report.Check("protocol.loopback-forged-fragment-recognised", donor.ForgedSent == 1 && client.ForgedFragments == 1);
        new ConsoleLine(stackalloc char[160]).Append("CORETEST INFO protocol held=").AppendDecimal((ulong)client.FragmentsHeld)
            .Append(" data=").AppendDecimal((ulong)donor.DataSent)
            .Append(" first_pass=").AppendDecimal((ulong)donor.FirstPassSent)
            .Append(" statuses=").AppendDecimal((ulong)donor.StatusesSeen)
            .Append(" bitmaps=").AppendDecimal((ulong)donor.BitmapsSeen)
            .Append(" forged=").AppendDecimal((ulong)client.ForgedFragments)
            .Append(" simulated_ms=").AppendDecimal(now)
            .WriteLine(report.Console);
    }
}
#endif
