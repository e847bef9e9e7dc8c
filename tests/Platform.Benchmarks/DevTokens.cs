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

    public static string For(string role, string subject, string identity) =>
        Cache.TryGetValue((role, subject), out var token) ? token : FetchAsync(role, subject, identity).GetAwaiter().GetResult();

    /// <summary>
    /// Takes the tokens of many people at once, before a step's clock starts: a person declaring already holds a token
    /// from signing in, so asking the provider is not part of the declaration's cost (and, one at a time, it would set
    /// the pace of the whole load).
    /// </summary>
    public static Task PrefetchAsync(string role, IEnumerable<string> subjects, string identity) =>
        Parallel.ForEachAsync(subjects.Where(subject => !Cache.ContainsKey((role, subject))), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (subject, _) => await FetchAsync(role, subject, identity));

    private static async Task<string> FetchAsync(string role, string subject, string identity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{identity.TrimEnd('/')}/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:xp-rsa:grant-type:development",
                ["client_id"] = "local-tools",
                ["role"] = role,
                ["subject"] = subject,
                // The benchmark's agents act nationally: its recipients are in no département.
                ["departements"] = role is "counsellor" or "supervisor" or "auditor" ? "*" : "",
            }),
        };
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        return Cache[(role, subject)] = json.RootElement.GetProperty("access_token").GetString()!;
    }
}
