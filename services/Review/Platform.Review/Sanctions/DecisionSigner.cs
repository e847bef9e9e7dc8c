using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;

namespace Platform.Review.Sanctions;

/// <summary>Signs a decision with the active key: ECDSA P-256, SHA-256, IEEE P1363 over the canonical payload.</summary>
public sealed class DecisionSigner : IDisposable
{
    private readonly ECDsa key;

    public DecisionSigner(IOptions<SigningOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        KeyId = options.Value.ActiveKeyId;
        key = ECDsa.Create();
        key.ImportFromPem(options.Value.Keys[KeyId]);
    }

    public string KeyId { get; }

    /// <summary>Returns <paramref name="decision"/> with <see cref="KeyId"/> set and its signature.</summary>
    public SanctionDecided Sign(SanctionDecided decision)
    {
        var named = decision with { KeyId = KeyId, Signature = "" };
        var signature = key.SignData(
            SanctionDecisionSignature.Payload(named), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return named with { Signature = Convert.ToBase64String(signature) };
    }

    public void Dispose() => key.Dispose();
}
