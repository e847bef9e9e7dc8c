using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Allocations.Decisions;
using Platform.Contracts.Review;
using Platform.Review.Sanctions;

namespace Platform.Allocations.Tests;

/// <summary>A review key pair as deployed ("review-1"), a rogue one, and a decision the review service would sign.</summary>
internal static class Keys
{
    private static readonly ECDsa Review = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa Rogue = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static readonly DecisionSigner Signer = SignerFor("review-1", Review);

    /// <summary>A forger who reuses the real key id with another private key.</summary>
    public static readonly DecisionSigner RogueSigner = SignerFor("review-1", Rogue);

    public static readonly DecisionVerifier Verifier = new(new Dictionary<string, string> { ["review-1"] = Review.ExportSubjectPublicKeyInfoPem() });

    public static readonly DateTimeOffset NotifiedAt = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public static SanctionDecided Lawful() => Signer.Sign(new SanctionDecided(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "r-1", "repeated-shortfall", 30, 2, "2027-01", false,
        "agent-1", "boss-1", Guid.NewGuid(), NotifiedAt, NotifiedAt.AddDays(15), null, NotifiedAt.AddDays(16), "", "",
        ReceivedAt: NotifiedAt, WindowClosedBy: WindowClosure.Deadline, WindowClosedAt: NotifiedAt.AddDays(15)));

    public static DecisionSigner SignerFor(string keyId, ECDsa key) =>
        new(Options.Create(new SigningOptions { ActiveKeyId = keyId, Keys = { [keyId] = key.ExportPkcs8PrivateKeyPem() } }));
}
