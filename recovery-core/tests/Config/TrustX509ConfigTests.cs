using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using UefiRecovery.Core.Config;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

/// <summary><c>uefirecovery.trust.x509=\path,sha256=...</c>: parsing, protection, and the pin check over a real DER certificate.</summary>
public sealed class TrustX509ConfigTests
{
    private const string Pin = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    [Fact]
    public void TryApply_PathAndPin_Stored()
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, @"uefirecovery.trust.x509=\certs\root.der,sha256=" + Pin);

        Assert.Equal(ConfigStatus.Applied, result.Status);
        Assert.Equal(ConfigKey.TrustX509, result.Key);
        Assert.Equal(1, config.Target.RootCertificateCount);
        Assert.Equal(@"\certs\root.der", config.Target.GetRootCertificatePath(0).ToString());
        Assert.Equal(Convert.FromHexString(Pin), config.Target.GetRootCertificateHash(0).ToArray());
    }

    [Theory]
    [InlineData(@"\certs\root.der", "expected \\path,sha256=<64 hex digits>")]
    [InlineData(@"\certs\root.der,sha1=" + Pin, "expected \\path,sha256=<64 hex digits>")]
    [InlineData(@"certs\root.der,sha256=" + Pin, "path does not start with '\\' or is longer than 96 characters")]
    [InlineData(@"\certs\..\root.der,sha256=" + Pin, "path has spaces, '/', '..' or characters outside printable ASCII")]
    [InlineData(@"\certs\my root.der,sha256=" + Pin, "path has spaces, '/', '..' or characters outside printable ASCII")]
    [InlineData(@"\certs/root.der,sha256=" + Pin, "path has spaces, '/', '..' or characters outside printable ASCII")]
    [InlineData(@"\certs\root.der,sha256=0011", "sha256 is not 64 hex digits")]
    public void TryApply_BadValue_RejectedWithReason(string value, string expectedReason)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApply("uefirecovery.trust.x509", value);

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal(expectedReason, result.Reason);
        Assert.Equal(0, config.Target.RootCertificateCount);
    }

    [Fact]
    public void TryApplyFrom_EspFile_RefusedAsProtected_ThirdEntryRefusedAsFull()
    {
        var config = new RecoveryConfig();
        string entry = @"uefirecovery.trust.x509=\a.der,sha256=" + Pin;

        Assert.Equal(ConfigStatus.SourceNotTrusted, config.TryApplyFrom(ConfigSource.EspFile, entry, osWritable: true).Status);
        Assert.True(config.TryApplyFrom(ConfigSource.Smbios, entry).IsApplied);
        Assert.True(config.TryApplyFrom(ConfigSource.Smbios, entry).IsApplied);
        ConfigApplyResult third = config.TryApplyFrom(ConfigSource.Smbios, entry);

        Assert.Equal("more than 2 root certificates", third.Reason);
        Assert.Equal(2, config.Target.RootCertificateCount);
    }

    [Fact]
    public void Matches_RealCertificate_PinOfItsDerOnly()
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=UefiRecovery test root", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        byte[] der = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).RawData;
        byte[] pin = SHA256.HashData(der);

        Assert.True(PinnedCertificate.Matches(der, pin));

        byte[] changed = (byte[])der.Clone();
        changed[changed.Length / 2] ^= 0x01;
        Assert.False(PinnedCertificate.Matches(changed, pin));
        Assert.False(PinnedCertificate.Matches(der, pin.AsSpan(0, 31)));
        Assert.False(PinnedCertificate.Matches(ReadOnlySpan<byte>.Empty, pin));
    }
}
