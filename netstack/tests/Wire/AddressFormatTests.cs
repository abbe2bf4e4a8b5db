using System;
using System.Net;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Wire
{
    public class AddressFormatTests
    {
        public static TheoryData<uint> Ipv4Addresses => new TheoryData<uint>
        {
            0u, 0x0A000001u, 0xC0A8016Fu, 0x7F000001u, 0xE0000016u, 0x01020304u, 0x640A6309u, 0xFFFFFFFFu,
        };

        public static TheoryData<ulong, string> MacAddresses => new TheoryData<ulong, string>
        {
            { 0x525400123456UL, "52:54:00:12:34:56" },
            { 0UL, "00:00:00:00:00:00" },
            { 0xFFFFFFFFFFFFUL, "ff:ff:ff:ff:ff:ff" },
            { 0x01005E7F0A0BUL, "01:00:5e:7f:0a:0b" },
        };

        [Theory]
        [MemberData(nameof(Ipv4Addresses))]
        public void Ipv4TryFormat_ExactRoom_WritesWhatIPAddressWrites(uint value)
        {
            string expected = new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value }).ToString();
            Span<char> buffer = stackalloc char[expected.Length];

            Assert.True(new Ipv4Address(value).TryFormat(buffer, out int written));
            Assert.Equal(expected, buffer.Slice(0, written).ToString());
        }

        [Theory]
        [MemberData(nameof(Ipv4Addresses))]
        public void Ipv4TryFormat_OneCharShort_FalseNothingWritten(uint value)
        {
            int length = new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value }).ToString().Length;
            Span<char> buffer = stackalloc char[length - 1];

            Assert.False(new Ipv4Address(value).TryFormat(buffer, out int written));
            Assert.Equal(0, written);
        }

        [Theory]
        [MemberData(nameof(MacAddresses))]
        public void MacTryFormat_ExactRoom_LowerCaseColons(ulong value, string expected)
        {
            Span<char> buffer = stackalloc char[MacAddress.TextLength];

            Assert.True(new MacAddress(value).TryFormat(buffer, out int written));
            Assert.Equal(expected, buffer.Slice(0, written).ToString());
        }

        [Theory]
        [MemberData(nameof(MacAddresses))]
        public void MacTryFormat_OneCharShort_FalseNothingWritten(ulong value, string expected)
        {
            Span<char> buffer = stackalloc char[expected.Length - 1];
            buffer.Fill('x');

            Assert.False(new MacAddress(value).TryFormat(buffer, out int written));
            Assert.Equal(0, written);
            Assert.Equal(new string('x', buffer.Length), buffer.ToString());
        }
    }
}
