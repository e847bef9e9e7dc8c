using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Sanctions;

namespace Platform.Review.Tests;

public sealed class DecisionSignerTests
{
    internal static SanctionDecided Decision() => new(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "r-1", "repeated-shortfall", 30, 1, "2027-01", false,
        "agent-1", "boss-1", Guid.NewGuid(), new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 12, 16, 9, 0, 0, TimeSpan.Zero), null, new DateTimeOffset(2026, 12, 17, 9, 0, 0, TimeSpan.Zero), "", "");

    [Fact]
    public void Sign_ProducesAP1363SignatureThatVerifiesWithThePublicKey_AndNamesTheActiveKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = new DecisionSigner(Options.Create(new SigningOptions
        {
            ActiveKeyId = "k2",
            Keys = { ["k1"] = "unused", ["k2"] = key.ExportPkcs8PrivateKeyPem() },
        }));

        var signed = signer.Sign(Decision());

        Assert.Equal("k2", signed.KeyId);
        var signature = Convert.FromBase64String(signed.Signature);
        Assert.Equal(64, signature.Length);
        Assert.True(key.VerifyData(SanctionDecisionSignature.Payload(signed), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.False(key.VerifyData(
            SanctionDecisionSignature.Payload(signed with { Percent = 100 }), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void Problem_WhenTheActiveKeyIsMissingOrNotP256_SaysSo()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.NotNull(SigningOptions.Problem(new SigningOptions()));
        Assert.NotNull(SigningOptions.Problem(new SigningOptions { ActiveKeyId = "a" }));
        Assert.NotNull(SigningOptions.Problem(new SigningOptions { ActiveKeyId = "a", Keys = { ["a"] = p384.ExportPkcs8PrivateKeyPem() } }));
        Assert.NotNull(SigningOptions.Problem(new SigningOptions { ActiveKeyId = "a", Keys = { ["a"] = "not a key" } }));
        Assert.Null(SigningOptions.Problem(new SigningOptions { ActiveKeyId = "a", Keys = { ["a"] = p256.ExportPkcs8PrivateKeyPem() } }));
    }

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(30, true)]
    public void Options_RequireAnObservationWindowOfAtLeast10Days(int days, bool valid) =>
        Assert.Equal(valid, ReviewOptions.IsValid(new ReviewOptions { ObservationWindow = TimeSpan.FromDays(days), CaseExpiry = TimeSpan.FromDays(60) }));
}
