using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// Tokens for the tests: real ones from the shared local provider (<see cref="For"/>), and the kinds a service must
/// refuse, each otherwise well formed (right issuer, every API's audience, not expired).
/// </summary>
public static class TestTokens
{
    /// <summary>The HS256 key every service trusted before the provider, as deploy/local/token.sh used it.</summary>
    public const string OldDevelopmentSecret = "local-development-signing-key-never-used-in-production";

    /// <summary>A token the provider issued for <paramref name="role"/> and <paramref name="subject"/>, for every API.</summary>
    public static string For(string role, string subject, string? departements = null) =>
        IdentityProvider.Shared.Token(role, subject, departements);

    /// <summary>Signed with an ES256 key the provider never published: it must be refused.</summary>
    public static string Forged(string role, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Create(role, subject, new SigningCredentials(
            new ECDsaSecurityKey(key) { KeyId = "forger-key" }, SecurityAlgorithms.EcdsaSha256));
    }

    /// <summary>Signed with the old development secret (HS256), as tokens were before the provider.</summary>
    public static string WithOldDevelopmentSecret(string role, string subject) => Create(role, subject, new SigningCredentials(
        new SymmetricSecurityKey(Encoding.UTF8.GetBytes(OldDevelopmentSecret)), SecurityAlgorithms.HmacSha256));

    /// <summary><c>alg: none</c>: a header and claims with no signature at all.</summary>
    public static string WithoutSignature(string role, string subject)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var audiences = string.Join(",", IdentityProvider.Apis.Select(api => $"\"{api}\""));
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{IdentityProvider.Shared.Authority}}","aud":[{{audiences}}],"sub":"{{subject}}","role":"{{role}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 3600}}}""");
        return $"{header}.{payload}.";
    }

    private static string Create(string role, string subject, SigningCredentials credentials) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = IdentityProvider.Shared.Authority.ToString(),
            Claims = new Dictionary<string, object> { ["aud"] = IdentityProvider.Apis.ToArray() },
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role)]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = credentials,
        });
}
