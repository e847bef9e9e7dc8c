using System.Collections.Concurrent;
using System.Text.Json;

namespace Platform.Benchmarks;

/// <summary>
/// Tokens from the local OpenID Connect provider's development grant, as deploy/local/token.sh obtains them, kept per
/// person for the run so the provider is asked once per person.
/// </summary>
internal static class DevTokens
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private static readonly ConcurrentDictionary<(string, string), string> Cache = new();

    public static string For(string role, string subject, string identity) => Cache.GetOrAdd((role, subject), _ =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{identity.TrimEnd('/')}/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:xp-rsa:grant-type:development",
                ["client_id"] = "local-tools",
                ["role"] = role,
                ["subject"] = subject,
            }),
        };
        using var response = Http.Send(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(response.Content.ReadAsStream());
        return json.RootElement.GetProperty("access_token").GetString()!;
    });
}
