using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;

namespace Platform.Allocations.Decisions;

public enum SignatureCheck
{
    Valid,
    UnknownKey,
    BadSignature,
}

/// <summary>Checks a decision's ECDSA P-256 / SHA-256 (IEEE P1363) signature against the review keys configured.</summary>
public sealed class DecisionVerifier
{
    private readonly Dictionary<string, ECParameters> keys = new(StringComparer.Ordinal);

    public DecisionVerifier(IOptions<DecisionKeysOptions> options)
        : this(options?.Value.Keys ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    public DecisionVerifier(IReadOnlyDictionary<string, string> publicKeysPem)
    {
        ArgumentNullException.ThrowIfNull(publicKeysPem);
        foreach (var (id, pem) in publicKeysPem)
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            keys[id] = key.ExportParameters(false);
        }
    }

    public SignatureCheck Check(SanctionDecided decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Check(decision.KeyId, decision.Signature, () => SanctionDecisionSignature.Payload(decision));
    }

    public SignatureCheck Check(SuspensionEnded decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Check(decision.KeyId, decision.Signature, () => SuspensionEndedSignature.Payload(decision));
    }

    public SignatureCheck Check(AppealDecided decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Check(decision.KeyId, decision.Signature, () => AppealDecidedSignature.Payload(decision));
    }

    private SignatureCheck Check(string? keyId, string? signatureBase64, Func<byte[]> payload)
    {
        if (keyId is null || !keys.TryGetValue(keyId, out var parameters))
        {
            return SignatureCheck.UnknownKey;
        }

        var signature = new byte[64];
        if (signatureBase64 is null || !Convert.TryFromBase64String(signatureBase64, signature, out var length) || length != 64)
        {
            return SignatureCheck.BadSignature;
        }

        // A fresh key object per check: verification then needs no lock across consumer threads.
        using var key = ECDsa.Create(parameters);
        return key.VerifyData(payload(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? SignatureCheck.Valid
            : SignatureCheck.BadSignature;
    }
}
