using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// The keys this repository publishes for local development: the token signing key every dev token is minted with,
/// and the review service's decision key pair. Anyone who reads the repository can mint a supervisor's token or sign a
/// sanction decision with them, so outside the <c>Development</c> environment a service refuses to start when its
/// configuration holds any of them, whatever else that configuration says: there is no setting to allow it.
/// </summary>
public static class DevelopmentKeys
{
    public const string TokenSigningKey = "local-development-signing-key-never-used-in-production";

    public const string DecisionKeyId = "review-dev-2026-11";

    /// <summary>The public half of the published decision key (its private half signs in development).</summary>
    public const string DecisionPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERlxDJYCL0607yqKiS1rmNk48NgeJ
        kNLD5eUTCokfbUWA1x7DgOHqJXRFjMb8G56G87SczPofMncvweUlAbNwNA==
        -----END PUBLIC KEY-----
        """;

    /// <summary>
    /// The configuration keys that hold a published development key: <c>Auth:SigningKey</c>, a review signing key
    /// (<c>Signing:Keys:*</c>, private) or a trusted decision key (<c>DecisionKeys:*</c>, public) whose public key
    /// is the published one, under any key id.
    /// </summary>
    public static IReadOnlyList<string> FoundIn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<string>();
        if (string.Equals(configuration["Auth:SigningKey"]?.Trim(), TokenSigningKey, StringComparison.Ordinal))
        {
            found.Add("Auth:SigningKey");
        }

        var published = PublicKeyOf(DecisionPublicKey);
        var keys = configuration.GetSection("Signing:Keys").GetChildren().Concat(configuration.GetSection("DecisionKeys").GetChildren());
        foreach (var key in keys)
        {
            if (key.Value is { } pem && PublicKeyOf(pem) is { } publicKey && publicKey.AsSpan().SequenceEqual(published))
            {
                found.Add(key.Path);
            }
        }

        return found;
    }

    /// <summary>Refuses to start outside Development when <see cref="FoundIn"/> finds anything (checked with <see cref="AuthOptions"/>).</summary>
    public static IServiceCollection AddDevelopmentKeysRefusal(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<AuthOptions>, DevelopmentKeysRefusal>();
        return services;
    }

    /// <summary>The SubjectPublicKeyInfo of a PEM EC key, private or public; null when it is not one (other checks say why).</summary>
    private static byte[]? PublicKeyOf(string pem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.ExportSubjectPublicKeyInfo();
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            return null;
        }
    }

    private sealed class DevelopmentKeysRefusal(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<AuthOptions>
    {
        public ValidateOptionsResult Validate(string? name, AuthOptions options)
        {
            if (environment.IsDevelopment() || FoundIn(configuration) is not { Count: > 0 } found)
            {
                return ValidateOptionsResult.Success;
            }

            return ValidateOptionsResult.Fail(
                $"The published development keys are refused outside the Development environment (here: {environment.EnvironmentName}): " +
                $"{string.Join(", ", found)}. Configure this deployment's own keys.");
        }
    }
}
