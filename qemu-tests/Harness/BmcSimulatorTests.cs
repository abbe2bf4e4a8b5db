using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Testbed.Bmc;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>
/// The test BMC's chardev framing (QEMU hw/ipmi/ipmi_bmc_extern.c) and its answers, driven over its TCP socket
/// the way QEMU drives it: control commands A1h-terminated, messages A0h-terminated, AAh escapes.
/// </summary>
public sealed class BmcSimulatorTests
{
    [Fact]
    public void EncodeMessage_SpecialBytes_EscapedWithBit4AndChecksumZeroSum()
    {
        byte[] frame = BmcFrame.EncodeMessage(new byte[] { 0xA0, 0x18, 0xA1, 0xAA, 0x00 });

        // The checksum: A0h+18h+A1h+AAh+00h = 203h, low byte 03h, negated FDh.
        Assert.Equal(new byte[] { 0xAA, 0xB0, 0x18, 0xAA, 0xB1, 0xAA, 0xBA, 0x00, 0xFD, 0xA0 }, frame);
    }

    [Fact]
    public void Reader_EveryByteValue_RoundTripsThroughEncode()
    {
        byte[] body = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var reader = new BmcFrameReader();
        List<(BmcFrameKind Kind, byte[] Frame)> frames = Feed(reader, BmcFrame.EncodeMessage(body));

        (BmcFrameKind kind, byte[] frame) = Assert.Single(frames);
        Assert.Equal(BmcFrameKind.Message, kind);
        Assert.Equal(body, frame[..256]);
        Assert.True(BmcFrame.ChecksumValid(frame));
    }

    [Fact]
    public void Reader_EscapeBeforeEnd_BrokenFrameThenNextFrameClean()
    {
        var reader = new BmcFrameReader();
        List<(BmcFrameKind Kind, byte[] Frame)> frames = Feed(reader, new byte[] { 0x01, 0xAA, 0xA0, 0xFF, 0x01, 0xA1 });

        Assert.Equal(BmcFrameKind.Broken, frames[0].Kind);
        Assert.Equal(BmcFrameKind.Control, frames[1].Kind);
        Assert.Equal(new byte[] { 0xFF, 0x01 }, frames[1].Frame);
    }

    [Fact]
    public void Reader_FrameLongerThanQemuMaximum_Broken()
    {
        var reader = new BmcFrameReader();
        byte[] bytes = Enumerable.Repeat((byte)0x11, BmcFrameReader.MaxFrameBytes + 1).Append(BmcFrame.MessageEnd).ToArray();

        (BmcFrameKind kind, _) = Assert.Single(Feed(reader, bytes));

        Assert.Equal(BmcFrameKind.Broken, kind);
    }

    public static TheoryData<string, byte[], byte[]> Answers => new()
    {
        // name, request (netfn/lun, cmd, data), expected response after seq (netfn/lun, cmd, cc, data)
        { "device-id", new byte[] { 0x18, 0x01 }, new byte[] { 0x1C, 0x01, 0x00, 0x20, 0x01, 0x01, 0x00, 0x02, 0x00, 0x57, 0x01, 0x00, 0x01, 0x00 } },
        { "sysinfo-set0", new byte[] { 0x18, 0x59, 0x00, 0xC0, 0x00, 0x00 },
            new byte[] { 0x1C, 0x59, 0x00, 0x11, 0x00, 0x00, 20 }.Concat(Encoding.ASCII.GetBytes("uefirecovery.m")).ToArray() },
        { "sysinfo-set1", new byte[] { 0x18, 0x59, 0x00, 0xC0, 0x01, 0x00 },
            new byte[] { 0x1C, 0x59, 0x00, 0x11, 0x01 }.Concat(Encoding.ASCII.GetBytes("ode=au")).ToArray() },
        { "sysinfo-other-parameter", new byte[] { 0x18, 0x59, 0x00, 0xC1, 0x00, 0x00 }, new byte[] { 0x1C, 0x59, 0x80 } },
        { "boot-flags", new byte[] { 0x00, 0x09, 0x05, 0x00, 0x00 }, new byte[] { 0x04, 0x09, 0x00, 0x01, 0x05, 0x80, 0x10, 0x00, 0x00, 0x00 } },
        { "unknown-command", new byte[] { 0x18, 0x42 }, new byte[] { 0x1C, 0x42, 0xC1 } },
        { "lun-kept", new byte[] { 0x2E, 0x80 }, new byte[] { 0x2E | 0x04, 0x80, 0xC1 } },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Serve_RequestOverSocket_AnswerFramedWithSeqAndChecksum(string name, byte[] request, byte[] expected)
    {
        _ = name;
        var responder = BmcResponder.WithSettings(new[] { "uefirecovery.mode=au" });
        responder.BootFlags = new byte[] { 0x80, 0x10, 0x00, 0x00, 0x00 };
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        using var qemu = await ConnectAsQemuAsync(bmc);

        // seq A0h exercises the escape on the way in and out.
        byte[] answer = await RoundTripAsync(qemu, 0xA0, request);

        Assert.Equal(new byte[] { 0xA0 }.Concat(expected).ToArray(), answer[..^1]);
        Assert.True(BmcFrame.ChecksumValid(answer));
        Assert.Equal(new byte[] { 0xFF, 0x08 }, bmc.ControlCommands.ToArray());
    }

    [Fact]
    public async Task Serve_BadChecksum_NoAnswerCounted()
    {
        await using BmcSimulator bmc = BmcSimulator.StartTcp(new BmcResponder());
        using var qemu = await ConnectAsQemuAsync(bmc);
        byte[] frame = BmcFrame.EncodeMessage(new byte[] { 0x01, 0x18, 0x01 });
        frame[^2] ^= 0x01;
        await qemu.SendAsync(frame, SocketFlags.None);
        byte[] good = await RoundTripAsync(qemu, 0x02, new byte[] { 0x18, 0x01 });

        Assert.Equal(0x02, good[0]); // the first answer is the second request's: the corrupt one got none
        Assert.Equal(1, bmc.ChecksumErrors);
    }

    [Fact]
    public async Task Serve_DropAndBusy_FirstDroppedSecondBusyThirdAnswered()
    {
        await using BmcSimulator bmc = BmcSimulator.StartTcp(new BmcResponder());
        bmc.DropNext(1);
        using var qemu = await ConnectAsQemuAsync(bmc);
        await qemu.SendAsync(BmcFrame.EncodeMessage(new byte[] { 0x01, 0x18, 0x01 }), SocketFlags.None);
        bmc.BusyNext(1);
        // Wait until the dropped request has been taken before arming busy for the next one.
        await WaitUntilAsync(() => bmc.Requests.Count == 1);
        byte[] busy = await RoundTripAsync(qemu, 0x02, new byte[] { 0x18, 0x01 });
        byte[] answered = await RoundTripAsync(qemu, 0x03, new byte[] { 0x18, 0x01 });

        Assert.Equal(new byte[] { 0x02, 0x1C, 0x01, 0xC0 }, busy[..^1]);
        Assert.Equal(0x00, answered[3]);
        Assert.Equal(3, bmc.Requests.Count);
    }

    internal static async Task<Socket> ConnectAsQemuAsync(BmcSimulator bmc)
    {
        string chardev = bmc.QemuArguments()[1];
        int port = int.Parse(chardev.Split(',').Single(p => p.StartsWith("port=")).Substring(5));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        // What QEMU sends on connect: version 1, then capabilities (IRQ | ATTN).
        await socket.SendAsync(new byte[] { 0xFF, 0x01, 0xA1, 0x08, 0x14, 0xA1 }, SocketFlags.None);
        return socket;
    }

    internal static async Task<byte[]> RoundTripAsync(Socket qemu, byte seq, byte[] request)
    {
        await qemu.SendAsync(BmcFrame.EncodeMessage(new[] { seq }.Concat(request).ToArray()), SocketFlags.None);
        var reader = new BmcFrameReader();
        var buffer = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            int read = await qemu.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.Equal(1, read);
            if (reader.Add(buffer[0], out BmcFrameKind kind, out byte[] frame))
            {
                Assert.Equal(BmcFrameKind.Message, kind);
                return frame;
            }
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++)
            await Task.Delay(100);
        Assert.True(condition());
    }

    private static List<(BmcFrameKind, byte[])> Feed(BmcFrameReader reader, byte[] bytes)
    {
        var frames = new List<(BmcFrameKind, byte[])>();
        foreach (byte value in bytes)
        {
            if (reader.Add(value, out BmcFrameKind kind, out byte[] frame))
                frames.Add((kind, frame));
        }
        return frames;
    }
}
