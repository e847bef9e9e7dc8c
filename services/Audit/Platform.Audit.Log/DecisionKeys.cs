using System.Security.Cryptography;
using Platform.Contracts.Review;

namespace Platform.Audit.Log;

/// <summary>
/// The review service's public keys, by key id (configuration <c>DecisionKeys:&lt;keyId&gt;</c> = SPKI PEM), against
/// which every recorded <see cref="SanctionDecided"/> and <see cref="AppealDecided"/> signature is checked.
/// </summary>
public sealed class DecisionKeys : IDisposable
{
    private readonly Dictionary<string, ECDsa> keys = new(StringComparer.Ordinal);

    public DecisionKeys(IEnumerable<KeyValuePair<string, string?>> pemByKeyId)
    {
        ArgumentNullException.ThrowIfNull(pemByKeyId);
        foreach (var (keyId, pem) in pemByKeyId)
        {
            if (string.IsNullOrWhiteSpace(pem))
            {
                continue;
            }

            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            keys[keyId] = key;
        }
    }

    public int Count => keys.Count;

    /// <summary>Null when the signature verifies; otherwise why not.</summary>
    public string? Check(SanctionDecided decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        // A recorded body may hold anything: a null key id or signature is a violation to report, not a failure.
        return Check(decision.KeyId, decision.Signature, () => SanctionDecisionSignature.Payload(decision));
    }

    /// <summary>The same for an appeal decision, over its own payload (a sanction's signature never passes for it).</summary>
    public string? Check(AppealDecided decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Check(decision.KeyId, decision.Signature, () => AppealDecidedSignature.Payload(decision));
    }

    private string? Check(string? keyId, string? signed, Func<byte[]> payload)
    {
        if (keyId is null || signed is null)
        {
            return "the decision carries no key id or no signature";
        }

        if (!keys.TryGetValue(keyId, out var key))
        {
            return $"signed with key '{keyId}', which is not a known review key";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(signed);
        }
        catch (FormatException)
        {
            return "the signature is not base64";
        }

        return key.VerifyData(payload(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : $"the signature does not verify against key '{keyId}'";
    }

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }
}
