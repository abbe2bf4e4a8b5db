using UefiRecovery.Core.Image.Pkcs7;
using Xunit;

namespace UefiRecovery.Core.Tests.Pkcs7;

public class Pkcs7VerifyResultTests
{
    [Fact]
    public void Default_NeverProducedByVerifier_IsNotVerified()
    {
        Assert.False(default(Pkcs7VerifyResult).IsVerified);
    }

    [Fact]
    public void Verified_Factory_IsVerified()
    {
        Assert.True(Pkcs7VerifyResult.Verified.IsVerified);
        Assert.False(Pkcs7VerifyResult.Fail(Pkcs7Failure.MalformedContentInfo).IsVerified);
    }
}
