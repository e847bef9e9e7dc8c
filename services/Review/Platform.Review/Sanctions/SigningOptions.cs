using System.Security.Cryptography;

namespace Platform.Review.Sanctions;

/// <summary>
/// The review service's decision-signing keys (section <c>Signing</c>): <c>Keys:&lt;id&gt;</c> holds a PKCS#8 PEM
/// ECDSA P-256 private key, <c>ActiveKeyId</c> names the one that signs. Rotation: add a key under a new id, give its
/// public key to the verifiers (allocations <c>DecisionKeys:&lt;id&gt;</c>), then switch <c>ActiveKeyId</c>; old
/// decisions keep verifying as long as verifiers keep the old public key.
/// </summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    public string ActiveKeyId { get; set; } = "";

    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Null when the active key exists and is an ECDSA P-256 private key; otherwise what is wrong.</summary>
    public static string? Problem(SigningOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ActiveKeyId))
        {
            return "Signing:ActiveKeyId is not set.";
        }

        if (!options.Keys.TryGetValue(options.ActiveKeyId, out var pem) || string.IsNullOrWhiteSpace(pem))
        {
            return $"Signing:Keys:{options.ActiveKeyId} (the active key) is not set.";
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return IsP256(key)
                ? null
                : $"Signing:Keys:{options.ActiveKeyId} is not a P-256 key.";
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            return $"Signing:Keys:{options.ActiveKeyId} is not a PEM ECDSA private key.";
        }
    }

    public static bool IsP256(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var curve = key.ExportParameters(false).Curve.Oid;
        return key.KeySize == 256 && (curve.Value == "1.2.840.10045.3.1.7" || curve.FriendlyName is "nistP256" or "ECDSA_P256");
    }
}
