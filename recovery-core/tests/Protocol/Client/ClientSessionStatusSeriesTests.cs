using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// One STATUS answer covers every missing fragment, however many (issue #15 item 3, docs/protocol.md §4.6): a series
/// of STATUS datagrams, each from where the previous ended, MORE on every one but the last. Before, one datagram
/// listed at most 8,192 fragments (a bitmap window; 65,536 as FEC block counts) and the rest waited for another round.
/// </summary>
public sealed class ClientSessionStatusSeriesTests
{
    private const ulong Minute = 60_000;
    private const ulong DonorA = 0xD0_00_00_00_00_00_00_0AUL;

    [Fact]
    public void Poll_TwentyFourMebibytesThirtyPercentLoss_FirstAnswerListsExactlyEveryMissingFragment()
    {
        const int imageSize = 24 * 1024 * 1024;
        ClientHarness h = new ClientHarness(imageSize, seed: 161);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA);
        donor.FragmentsPerTick = 64;
        h.Network.Downlink.LossPerMille = 300;
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.ImageCapacity = imageSize;
        ClientSession client = h.AddClient(config);
        FirstAnswer answer = CaptureFirstAnswer(h, client);

        // 17,575 fragments, ~5,300 missing, scattered: more than one 8,192-fragment window, so several datagrams.
        Assert.True(answer.Parts.Count >= 3, "parts: " + answer.Parts.Count);
        var listed = new HashSet<uint>();
        for (int p = 0; p < answer.Parts.Count; p++)
        {
            Part part = Parse(answer.Parts[p]);
            Assert.Equal(p < answer.Parts.Count - 1, part.HasMore);
            Assert.True(part.Kind is StatusKind.NackBitmap or StatusKind.NackRanges, "kind " + part.Kind);
            foreach (uint fragment in part.Listed) Assert.True(listed.Add(fragment), "fragment " + fragment + " listed twice");
        }
        Assert.Equal(answer.MissingAtAnswer, (uint)listed.Count);
        Assert.True(answer.MissingAtAnswer > 8192 / 2, "missing " + answer.MissingAtAnswer);

        Assert.True(h.RunUntilAllFinished(10 * Minute));
        Assert.True(client.VerifiedImage.SequenceEqual(h.Genuine));
    }

    [Fact]
    public void Poll_FecMoreThanSixtyFiveThousandFragments_FirstAnswerCountsEveryBlock()
    {
        // 512-byte fragments: 36 MiB is 73,729 fragments, 1,153 FEC blocks; one BLOCK COUNTS holds 1,024.
        const int imageSize = 36 * 1024 * 1024;
        ClientHarness h = new ClientHarness(imageSize, seed: 162);
        ScriptedDonor donor = h.AddGenuineDonor(DonorA, fragmentSize: 512);
        donor.Fec = true;
        donor.FragmentsPerTick = 128;
        h.Network.Downlink.LossPerMille = 20;
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.ImageCapacity = imageSize;
        ClientSession client = h.AddClient(config);
        FirstAnswer answer = CaptureFirstAnswer(h, client);

        Assert.Equal(2, answer.Parts.Count);
        uint blocks = (client.FragmentCount + 63) / 64;
        ulong needed = 0;
        uint nextBlock = 0;
        for (int p = 0; p < answer.Parts.Count; p++)
        {
            Part part = Parse(answer.Parts[p]);
            Assert.Equal(StatusKind.BlockCounts, part.Kind);
            Assert.Equal(p == 0, part.HasMore);
            Assert.True(part.FirstBlock >= nextBlock, $"part {p} starts at block {part.FirstBlock}, before {nextBlock}");
            byte[] counts = part.BlockCounts;
            for (int j = 0; j < counts.Length; j++) needed += (uint)(counts[j] & 0x7F);
            nextBlock = part.FirstBlock + (uint)counts.Length;
        }
        // The second part reaches the image's last blocks: nothing waits for another round.
        Assert.True(nextBlock > 1024 && nextBlock <= blocks, $"last block listed {nextBlock} of {blocks}");
        Assert.Equal(answer.MissingAtAnswer, needed);

        Assert.True(h.RunUntilAllFinished(10 * Minute));
        Assert.True(client.VerifiedImage.SequenceEqual(h.Genuine));
    }

    private sealed record FirstAnswer(List<byte[]> Parts, uint MissingAtAnswer);

    /// <summary>Runs until the client's first answer to a STATUS_REQUEST; its datagrams leave in one poll.</summary>
    private static FirstAnswer CaptureFirstAnswer(ClientHarness h, ClientSession client)
    {
        var parts = new List<byte[]>();
        uint missing = 0;
        h.Network.UplinkTap = (datagram, _, _, _) =>
        {
            if (MessageFrame.TryParse(datagram, out MessageFrame frame) != WireStatus.Ok || frame.Type != MessageType.Status) return;
            if (StatusMessage.TryParse(frame, out StatusMessage status) != WireStatus.Ok || status.Round == 0) return;
            if (parts.Count > 0 && status.Round != Parse(parts[0]).Round) return;
            if (parts.Count == 0) missing = client.FragmentCount - client.FragmentsHeld - client.FragmentsTentative;
            parts.Add(datagram);
        };
        uint datagramsBefore = 0;
        Assert.True(h.RunUntil(() =>
        {
            bool done = parts.Count > 0 && client.StatusDatagramsSent == datagramsBefore;
            datagramsBefore = client.StatusDatagramsSent;
            return done;
        }, 10 * Minute));
        h.Network.UplinkTap = null;
        return new FirstAnswer(parts, missing);
    }

    /// <summary>What a test needs of one STATUS datagram (StatusMessage is a ref struct over the bytes).</summary>
    private sealed record Part(StatusKind Kind, bool HasMore, uint Round, uint FirstBlock, byte[] BlockCounts, List<uint> Listed);

    private static Part Parse(byte[] datagram)
    {
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(frame, out StatusMessage status));
        var fragments = new List<uint>();
        if (status.Kind == StatusKind.NackRanges)
        {
            for (int i = 0; i < status.RangeCount; i++)
            {
                NackRange range = status.GetRange(i);
                for (uint k = 0; k < range.Count; k++) fragments.Add(range.First + k);
            }
        }
        else if (status.Kind == StatusKind.NackBitmap)
        {
            ReadOnlySpan<byte> bitmap = status.Bitmap;
            for (int j = 0; j < bitmap.Length; j++)
                for (int bit = 0; bit < 8; bit++)
                    if ((bitmap[j] & (1 << bit)) != 0) fragments.Add(status.BitmapWindowStart + (uint)(j * 8 + bit));
        }
        return new Part(status.Kind, status.HasMore, status.Round, status.FirstBlock, status.BlockCounts.ToArray(), fragments);
    }
}
