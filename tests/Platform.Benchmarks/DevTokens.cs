using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Platform.Benchmarks;

/// <summary>Dev tokens exactly as deploy/local/token.sh mints them (HS256, local development key).</summary>
internal static class DevTokens
{
    public static string For(string role, string subject, string signingKey)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new
        {
            sub = subject, role, iss = "xp-rsa", aud = "xp-rsa", iat = now, nbf = now, exp = now + 43_200,
        }));
        var signature = Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
