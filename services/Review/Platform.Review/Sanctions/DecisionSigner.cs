using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;

namespace Platform.Review.Sanctions;

/// <summary>
/// Signs the decisions that move money — a sanction, the early ending of a suspension, the decision on an appeal —
/// with the active key: ECDSA P-256, SHA-256, IEEE P1363 over each decision's canonical payload. The payloads start
/// with different prefixes, so one kind of decision's signature can never pass for another's.
/// </summary>
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
        return named with { Signature = SignPayload(SanctionDecisionSignature.Payload(named)) };
    }

    /// <summary>Returns <paramref name="ending"/> with <see cref="KeyId"/> set and its signature.</summary>
    public SuspensionEnded Sign(SuspensionEnded ending)
    {
        var named = ending with { KeyId = KeyId, Signature = "" };
        return named with { Signature = SignPayload(SuspensionEndedSignature.Payload(named)) };
    }

    /// <summary>Returns <paramref name="decision"/> with <see cref="KeyId"/> set and its signature.</summary>
    public AppealDecided Sign(AppealDecided decision)
    {
        var named = decision with { KeyId = KeyId, Signature = "" };
        return named with { Signature = SignPayload(AppealDecidedSignature.Payload(named)) };
    }

    public void Dispose() => key.Dispose();

    private string SignPayload(byte[] payload) =>
        Convert.ToBase64String(key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
}
