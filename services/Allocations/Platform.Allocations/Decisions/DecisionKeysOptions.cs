using System.Security.Cryptography;

namespace Platform.Allocations.Decisions;

/// <summary>
/// The review service's public keys this service trusts (section <c>DecisionKeys</c>): <c>DecisionKeys:&lt;id&gt;</c>
/// = an SPKI PEM ECDSA P-256 public key. Rotation: add the new id here before review switches its
/// <c>Signing:ActiveKeyId</c> to it; remove an old id only when no decision signed with it may still arrive.
/// </summary>
public sealed class DecisionKeysOptions
{
    public const string Section = "DecisionKeys";

    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Null when there is at least one key and every key is a P-256 public key; otherwise what is wrong.</summary>
    public static string? Problem(DecisionKeysOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Keys.Count == 0)
        {
            return "DecisionKeys: no review-service public key is configured.";
        }

        foreach (var (id, pem) in options.Keys)
        {
            try
            {
                using var key = ECDsa.Create();
                key.ImportFromPem(pem);
                if (key.KeySize != 256)
                {
                    return $"DecisionKeys:{id} is not a P-256 key.";
                }
            }
            catch (Exception exception) when (exception is ArgumentException or CryptographicException)
            {
                return $"DecisionKeys:{id} is not a PEM ECDSA public key.";
            }
        }

        return null;
    }
}
