using System;
using UefiRecovery.Testbed.Guest;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>The guest cache key: every input's content and label count, their order does not.</summary>
public sealed class GuestContentKeyTests
{
    private static string Key(params (string Label, string Content)[] inputs)
    {
        var key = new GuestContentKey();
        foreach ((string label, string content) in inputs)
        {
            key.Add(label, System.Text.Encoding.UTF8.GetBytes(content));
        }
        return key.Compute();
    }

    [Fact]
    public void Compute_SameInputsInAnotherOrder_SameKey() =>
        Assert.Equal(Key(("agent", "A"), ("init", "I")), Key(("init", "I"), ("agent", "A")));

    [Fact]
    public void Compute_OneByteOfOneInputChanged_OtherKey() =>
        Assert.NotEqual(Key(("agent", "A"), ("init", "I")), Key(("agent", "A"), ("init", "J")));

    [Fact]
    public void Compute_ContentUnderAnotherLabel_OtherKey() =>
        Assert.NotEqual(Key(("agent", "A"), ("init", "I")), Key(("agent", "I"), ("init", "A")));

    [Fact]
    public void Compute_InputAdded_OtherKey() =>
        Assert.NotEqual(Key(("agent", "A")), Key(("agent", "A"), ("key:m.pem", "")));

    [Fact]
    public void Manifest_TwoInputs_OneLinePerInputInLabelOrder()
    {
        var key = new GuestContentKey().Add("init", new byte[0]).Add("agent", new byte[0]);
        string empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";  // SHA-256 of nothing

        Assert.Equal("agent=" + empty + "\ninit=" + empty + "\n", key.Manifest());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a=b")]
    [InlineData("a\nb")]
    public void Add_BadLabel_Throws(string label) =>
        Assert.Throws<ArgumentException>(() => new GuestContentKey().Add(label, new byte[] { 1 }));

    [Fact]
    public void Add_SameLabelTwice_Throws() =>
        Assert.Throws<ArgumentException>(() => new GuestContentKey().Add("init", new byte[] { 1 }).Add("init", new byte[] { 2 }));
}
