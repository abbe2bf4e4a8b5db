using System.Net;
using UefiRecovery.Manager.Serving.Membership;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>One MAC proving memberships at two addresses is flagged (docs/protocol.md §7.4; red team F7).</summary>
public sealed class MacAddressBookTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.66");

    [Fact]
    public void OthersThan_MacSeenAtTwoAddresses_EachSeesTheOther()
    {
        var book = new MacAddressBook(16);
        book.Note(7, A);
        book.Note(7, A);
        Assert.Empty(book.OthersThan(7, A));
        book.Note(7, B);
        Assert.Equal(new[] { "10.0.0.66" }, book.OthersThan(7, A));
        Assert.Equal(new[] { "10.0.0.1" }, book.OthersThan(7, B));
        Assert.Empty(book.OthersThan(8, A));
    }

    [Fact]
    public void Note_MoreMacsThanCapacity_OldestForgotten()
    {
        var book = new MacAddressBook(2);
        book.Note(1, A);
        book.Note(2, A);
        book.Note(3, A);
        book.Note(1, B);
        Assert.Equal(2, book.Count);
        Assert.Empty(book.OthersThan(1, B)); // 1 was forgotten before it came back from B
        // So the book can no longer say "never elsewhere", and says so (the engine then walks its members).
        Assert.False(book.SeenElsewhere(1, B));
        Assert.Equal(2, book.Forgotten);
    }

    [Fact]
    public void Note_ManyAddressesForOneMac_OnlyTheLatestKept()
    {
        var book = new MacAddressBook(2, addressesPerMac: 2);
        for (int i = 1; i <= 5; i++) book.Note(7, new IPAddress(new byte[] { 10, 0, 1, (byte)i }));
        Assert.Equal(new[] { "10.0.1.4", "10.0.1.5" }, book.OthersThan(7, A));
    }
}
