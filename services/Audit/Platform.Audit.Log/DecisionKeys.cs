using System.Security.Cryptography;
using Platform.Contracts.Review;

namespace Platform.Audit.Log;

/// <summary>
/// The review service's public keys, by key id (configuration <c>DecisionKeys:&lt;keyId&gt;</c> = SPKI PEM), against
/// which every recorded <see cref="SanctionDecided"/> signature is checked.
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
        if (decision.KeyId is null || decision.Signature is null)
        {
            return "the decision carries no key id or no signature";
        }

        if (!keys.TryGetValue(decision.KeyId, out var key))
        {
            return $"signed with key '{decision.KeyId}', which is not a known review key";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(decision.Signature);
        }
        catch (FormatException)
        {
            return "the signature is not base64";
        }

        return key.VerifyData(SanctionDecisionSignature.Payload(decision), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : $"the signature does not verify against key '{decision.KeyId}'";
    }

    public void Dispose()
    {
        foreach (var key in keys.Values)
        {
            key.Dispose();
        }
    }
}
