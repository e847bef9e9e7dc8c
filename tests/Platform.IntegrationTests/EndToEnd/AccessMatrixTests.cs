using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Every route of every service, as its OpenAPI document lists it, against every kind of caller: no token, a forged
/// token, each role, the recipient the data is about and another recipient. A route with no entry below fails the
/// test, so a new route cannot ship without its access rule. Refusals must write nothing, in any database.
/// </summary>
public sealed class AccessMatrixTests(ITestOutputHelper output)
{
    private const string Own = "R-OWN";

    /// <summary>Who may call each route. "own" is the recipient the route's {recipientId} names.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["declarations PUT /api/recipients/{recipientId}/engagement"] = ["counsellor"],
        ["declarations GET /api/recipients/{recipientId}/engagement"] = ["own", "counsellor"],
        ["declarations PUT /api/recipients/{recipientId}/declarations/{week}"] = ["own"],
        ["declarations GET /api/recipients/{recipientId}/declarations/{week}"] = ["own", "counsellor"],
        ["declarations GET /api/recipients/{recipientId}/declarations"] = ["own", "counsellor"],
        ["rules GET /api/rules"] = ["anyone"],
        ["rules GET /api/rules/statistics"] = ["anyone"],
        ["rules GET /api/rules/{ruleId}/versions/{version}"] = ["anyone"],
        ["rules POST /api/rules/simulations"] = ["supervisor"],
        ["review GET /api/review/cases"] = ["counsellor", "supervisor"],
        ["review GET /api/review/cases/{caseId}"] = ["counsellor", "supervisor"],
        ["review POST /api/review/cases/{caseId}/claim"] = ["counsellor"],
        ["review POST /api/review/cases/{caseId}/dismiss"] = ["counsellor"],
        ["review POST /api/review/cases/{caseId}/resolve"] = ["counsellor"],
        ["review POST /api/review/cases/{caseId}/sanction-proposals"] = ["counsellor"],
        ["review GET /api/review/sanction-proposals/{proposalId}"] = ["counsellor", "supervisor"],
        ["review POST /api/review/sanction-proposals/{proposalId}/approve"] = ["supervisor"],
        ["review POST /api/review/sanction-proposals/{proposalId}/reject"] = ["supervisor"],
        ["review GET /api/recipients/{recipientId}/flags"] = ["own"],
        ["review POST /api/recipients/{recipientId}/obligations-met"] = ["own", "counsellor"],
        ["review GET /api/recipients/{recipientId}/suspensions"] = ["own", "counsellor", "supervisor"],
        ["review POST /api/review/suspensions/{decisionId}/end"] = ["counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/flags/{flagId}/explanation"] = ["own"],
        ["review POST /api/recipients/{recipientId}/flags/{flagId}/observations"] = ["own"],
        ["review GET /api/recipients/{recipientId}/notices"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/notices/{noticeId}"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/notices/{noticeId}.pdf"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/notices/{noticeId}/pdf"] = ["own", "counsellor", "supervisor"],
        ["review POST /api/recipients/{recipientId}/notices/{noticeId}/acknowledgement"] = ["own"],
        ["review GET /api/notices/acknowledge"] = ["anyone"],
        ["review POST /api/review/notices/{noticeId}/postal-receipt"] = ["counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/contact"] = ["own", "counsellor"],
        ["review PUT /api/recipients/{recipientId}/contact"] = ["own", "counsellor"],
        ["allocations PUT /api/recipients/{recipientId}/allocation"] = ["payer"],
        ["allocations GET /api/recipients/{recipientId}/allocation"] = ["own", "counsellor"],
        ["audit GET /api/audit/events"] = ["auditor"],
        ["audit GET /api/audit/verification"] = ["auditor"],
        ["audit GET /api/audit/checkpoints"] = ["auditor"],
        ["audit GET /api/audit/replay"] = ["auditor"],
    };

    private static readonly Dictionary<string, string?> Callers = new()
    {
        ["nobody"] = null,
        ["forged"] = TestTokens.Forged("counsellor", "agent-forger"),
        ["own"] = TestTokens.For("recipient", Own),
        ["other recipient"] = TestTokens.For("recipient", "R-OTHER"),
        ["counsellor"] = TestTokens.For("counsellor", "agent-c"),
        ["supervisor"] = TestTokens.For("supervisor", "agent-s"),
        ["auditor"] = TestTokens.For("auditor", "agent-a"),
        ["payer"] = TestTokens.For("payer", "caf-a"),
    };

    [Fact]
    public async Task EveryRoute_AnswersEachCallerAsItsAccessRuleSays_AndRefusalsWriteNothing()
    {
        // The API services; the web front's pages are covered by its browser tests.
        var services = PlatformProcesses.Catalogue.Keys.Where(service => service != "web").ToArray();
        await using var platform = await PlatformProcesses.StartAsync(null, services);
        var routes = new List<(string Service, string Method, string Path)>();
        foreach (var service in services)
        {
            using var http = new HttpClient { BaseAddress = platform.UrlOf(service) };
            var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                routes.AddRange(path.Value.EnumerateObject().Select(operation => (service, operation.Name.ToUpperInvariant(), path.Name)));
            }
        }

        var listed = routes.Select(route => $"{route.Service} {route.Method} {route.Path}").ToHashSet();
        Assert.Empty(listed.Except(Allowed.Keys));   // a route without an access rule
        Assert.Empty(Allowed.Keys.Except(listed));   // an access rule without its route

        var before = await SnapshotAsync(platform, services);
        var failures = new List<string>();
        var allowedCalls = new List<(string Service, string Method, string Path, string Caller)>();
        foreach (var (service, method, path) in routes)
        {
            var allowed = Allowed[$"{service} {method} {path}"];
            foreach (var (caller, token) in Callers)
            {
                var expected = Expected(allowed, caller);
                if (expected is null)
                {
                    allowedCalls.Add((service, method, path, caller));
                    continue;
                }

                var status = await CallAsync(platform, service, method, path, token);
                if (status != expected)
                {
                    failures.Add($"{caller} → {method} {path} ({service}): {(int)status}, expected {(int)expected}");
                }
            }
        }

        // Refused calls changed no row in any table of any service.
        Assert.Equal(before, await SnapshotAsync(platform, services));

        // Allowed calls get past authentication and authorisation (their empty bodies and unknown ids then meet
        // validation or "not found", which is theirs to answer).
        foreach (var (service, method, path, caller) in allowedCalls)
        {
            var status = await CallAsync(platform, service, method, path, Callers[caller]);
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError)
            {
                failures.Add($"{caller} → {method} {path} ({service}): {(int)status}, expected to be let through");
            }
        }

        output.WriteLine($"{routes.Count} routes × {Callers.Count} callers checked");
        Assert.Empty(failures);
    }

    /// <summary>Null when the caller is let through; otherwise 401 for no or a forged token, 403 for the wrong person.</summary>
    private static HttpStatusCode? Expected(string[] allowed, string caller) => caller switch
    {
        _ when allowed.Contains("anyone") => null,
        "nobody" or "forged" => HttpStatusCode.Unauthorized,
        _ when allowed.Contains(caller) => null,
        _ => HttpStatusCode.Forbidden,
    };

    private static async Task<HttpStatusCode> CallAsync(PlatformProcesses platform, string service, string method, string path, string? token)
    {
        var url = path.Replace("{recipientId}", Own, StringComparison.Ordinal)
            .Replace("{week}", "2026-W48", StringComparison.Ordinal)
            .Replace("{ruleId}", "weekly-hours-below-engagement", StringComparison.Ordinal)
            .Replace("{version}", "1", StringComparison.Ordinal);
        foreach (var id in new[] { "{caseId}", "{proposalId}", "{flagId}", "{decisionId}", "{noticeId}" })
        {
            url = url.Replace(id, Guid.NewGuid().ToString(), StringComparison.Ordinal);
        }

        using var http = new HttpClient { BaseAddress = platform.UrlOf(service) };
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "PUT" or "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return (await http.SendAsync(request)).StatusCode;
    }

    /// <summary>The row count of every table of every service's database.</summary>
    private static async Task<string> SnapshotAsync(PlatformProcesses platform, IEnumerable<string> services)
    {
        var counts = new StringBuilder();
        foreach (var service in services)
        {
            await using var connection = new NpgsqlConnection(platform.ConnectionStringOf(service));
            var tables = await connection.QueryAsync<string>(
                "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
            foreach (var table in tables)
            {
                counts.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{service}.{table}: {await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}")}");
            }
        }

        return counts.ToString();
    }
}
