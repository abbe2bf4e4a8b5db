using System;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class ChecksumTests
    {
        [Theory]
        // RFC 1071 §3 "Numerical Examples": 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
        [InlineData("0001f203f4f5f6f7", 0xddf2)]
        // Odd length: the trailing byte is padded with zero (RFC 1071 §4.1).
        [InlineData("0001f203f4f5f6f7ab", 0x88f3)]
        [InlineData("", 0)]
        public void Accumulate_RfcExample_GivesOnesComplementSum(string hex, int expected)
        {
            Assert.Equal((uint)expected, Checksum.Accumulate(0, Hex.Bytes(hex)));
        }

        [Fact]
        public void Compute_RfcExample_IsComplementOfSum()
        {
            Assert.Equal(0x220d, Checksum.Compute(Hex.Bytes("0001f203f4f5f6f7")));
        }

        [Fact]
        public void Compute_CapturedIpv4Header_VerifiesToZero()
        {
            // Header of the Linux echo request in the corpus, checksum field included.
            byte[] frame = Hex.Bytes(Corpus.LinuxEchoRequest);
            Assert.Equal(0, Checksum.Compute(frame.AsSpan(14, 20)));
        }

        [Fact]
        public void Accumulate_ManyMaximalWords_DoesNotOverflow()
        {
            byte[] data = new byte[65536];
            System.Array.Fill(data, (byte)0xFF);
            Assert.Equal(0xFFFFu, Checksum.Accumulate(0xFFFF, data));
        }
    }
}
