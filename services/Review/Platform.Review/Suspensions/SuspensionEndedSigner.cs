using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Sanctions;

namespace Platform.Review.Suspensions;

/// <summary>Signs an ending with the active decision key: ECDSA P-256, SHA-256, IEEE P1363 over its canonical payload.</summary>
public sealed class SuspensionEndedSigner : IDisposable
{
    private readonly ECDsa key;

    public SuspensionEndedSigner(IOptions<SigningOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        KeyId = options.Value.ActiveKeyId;
        key = ECDsa.Create();
        key.ImportFromPem(options.Value.Keys[KeyId]);
    }

    public string KeyId { get; }

    /// <summary>Returns <paramref name="decision"/> with <see cref="KeyId"/> set and its signature.</summary>
    public SuspensionEnded Sign(SuspensionEnded decision)
    {
        var named = decision with { KeyId = KeyId, Signature = "" };
        var signature = key.SignData(
            SuspensionEndedSignature.Payload(named), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return named with { Signature = Convert.ToBase64String(signature) };
    }

    public void Dispose() => key.Dispose();
}
