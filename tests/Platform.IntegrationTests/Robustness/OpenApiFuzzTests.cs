using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Platform.ServiceDefaults;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.Robustness;

/// <summary>
/// A schema-driven fuzzer over the OpenAPI document each service serves: for every operation and every kind of
/// caller, generated paths, query strings, headers and bodies (see <see cref="InputGenerator"/>), with a fixed seed.
/// Every answer is below 500; every 4xx is a problem-details body with its type and status; and a refused request
/// wrote nothing — no row in any table of the service's database, its outbox (the events it would publish) included.
/// Each service runs as its own process on its own database and virtual host, so nothing else writes there.
/// </summary>
public sealed class OpenApiFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 18_2026;
    private const int CasesPerOperationAndCaller = 6;
    private const string Own = "R-OWN";

    private static readonly Dictionary<string, string?> Callers = new()
    {
        ["nobody"] = null,
        ["forged"] = TestTokens.Forged("counsellor", "agent-forger"),
        ["own recipient"] = TestTokens.For("recipient", Own),
        ["other recipient"] = TestTokens.For("recipient", "R-OTHER"),
        ["counsellor"] = TestTokens.For("counsellor", "agent-c"),
        ["supervisor"] = TestTokens.For("supervisor", "agent-s"),
        ["auditor"] = TestTokens.For("auditor", "agent-a"),
    };

    [Fact]
    public async Task EveryOperationAndCaller_GeneratedInput_NeverGets5xx_Gets4xxAsProblems_AndRefusalsWriteNothing()
    {
        var services = PlatformProcesses.Catalogue.Keys.Where(service => service != "web").ToArray();
        var platforms = new List<PlatformProcesses>();
        try
        {
            // One after the other: five processes starting at once on a busy machine may not all be ready in time.
            foreach (var service in services)
            {
                platforms.Add(await PlatformProcesses.StartAsync(null, service));
            }

            var random = new Random(Seed);
            var failures = new List<string>();
            var requests = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var statuses = new SortedDictionary<int, int>();
            for (var s = 0; s < services.Length; s++)
            {
                var (service, platform) = (services[s], platforms[s]);
                using var http = new HttpClient { BaseAddress = platform.UrlOf(service), Timeout = TimeSpan.FromSeconds(60) };
                var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
                var generator = new InputGenerator(document, random);
                var snapshot = await SnapshotQueryAsync(platform.ConnectionStringOf(service));
                await using var database = new NpgsqlConnection(platform.ConnectionStringOf(service));
                await database.OpenAsync();
                foreach (var path in document.GetProperty("paths").EnumerateObject())
                {
                    foreach (var operation in path.Value.EnumerateObject())
                    {
                        var name = $"{service} {operation.Name.ToUpperInvariant()} {path.Name}";
                        foreach (var (caller, token) in Callers)
                        {
                            for (var i = 0; i < CasesPerOperationAndCaller; i++)
                            {
                                using var request = Build(generator, random, operation.Name, path.Name, path.Value, operation.Value, document, token);
                                var before = await database.QuerySingleAsync<string>(snapshot);
                                HttpResponseMessage response;
                                try
                                {
                                    response = await http.SendAsync(request);
                                }
                                catch (HttpRequestException exception)
                                {
                                    failures.Add($"{caller} → {request.Method} {request.RequestUri} ({request.Content?.Headers.ContentType}): no answer ({exception.Message})");
                                    continue;
                                }

                                using var answered = response;
                                var after = await database.QuerySingleAsync<string>(snapshot);
                                requests[name] = requests.GetValueOrDefault(name) + 1;
                                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                                var problem = await CheckAsync(response, before, after);
                                if (problem is not null)
                                {
                                    failures.Add($"{caller} → {request.Method} {request.RequestUri} ({request.Content?.Headers.ContentType}): {problem}");
                                }
                            }
                        }
                    }
                }
            }

            foreach (var (operation, count) in requests)
            {
                output.WriteLine($"{count,5} requests  {operation}");
            }

            output.WriteLine($"{requests.Values.Sum()} requests in all; answers: {string.Join(", ", statuses.Select(status => $"{status.Key} × {status.Value}"))}");
            foreach (var failure in failures.Take(50))
            {
                output.WriteLine(failure);
            }

            Assert.Empty(failures);
        }
        finally
        {
            foreach (var platform in platforms)
            {
                await platform.DisposeAsync();
            }
        }
    }

    private static async Task<string?> CheckAsync(HttpResponseMessage response, string before, string after)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        if (status >= 500)
        {
            return $"{status}: {Shorten(body)}";
        }

        if (status < 400)
        {
            return null;
        }

        // Kestrel itself refuses a request target holding an encoded NUL (a 400 with no body, before any middleware
        // runs): the connection-level answer of the HTTP server, not an answer the service can shape.
        if (status == 400 && body.Length == 0 && response.RequestMessage?.RequestUri?.AbsolutePath.Contains("%00", StringComparison.Ordinal) == true)
        {
            return null;
        }

        if (before != after)
        {
            return $"refused with {status} but rows changed: {before} → {after}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"{status} without a problem-details body ({response.Content.Headers.ContentType}): {Shorten(body)}";
        }

        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            if (!problem.TryGetProperty("type", out var type) || type.GetString()?.StartsWith("https://xp-rsa.example/problems/", StringComparison.Ordinal) != true
                || !problem.TryGetProperty("status", out var problemStatus) || problemStatus.GetInt32() != status)
            {
                return $"{status} with a problem lacking its platform type or status: {Shorten(body)}";
            }
        }
        catch (JsonException)
        {
            return $"{status} with a body that is not JSON: {Shorten(body)}";
        }

        return null;
    }

    private static HttpRequestMessage Build(
        InputGenerator generator, Random random, string method, string template, JsonElement pathItem, JsonElement operation, JsonElement document, string? token)
    {
        var parameters = Parameters(pathItem).Concat(Parameters(operation)).ToList();
        var path = template;
        var query = new List<string>();
        foreach (var parameter in parameters)
        {
            var name = parameter.GetProperty("name").GetString()!;
            var schema = parameter.TryGetProperty("schema", out var s) ? s : default;
            var value = generator.Parameter(name, schema, PlausibleParameter(name));
            if (parameter.GetProperty("in").GetString() == "path")
            {
                path = path.Replace("{" + name + "}", Escape(value), StringComparison.Ordinal);
            }
            else if (parameter.GetProperty("in").GetString() == "query" && random.NextDouble() < 0.7)
            {
                query.Add($"{name}={Escape(value)}");
            }
        }

        if (random.NextDouble() < 0.1)
        {
            query.Add($"{generator.Pick(["unexpected", "page", "pageSize", "limit", "x"])}={Escape(generator.Parameter("x", default, "2147483647"))}");
        }

        var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.AcceptLanguage.ParseAdd(generator.Pick(["fr", "en", "de", "*"]));
        if (random.NextDouble() < 0.2)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", random.Next(4) == 0 ? new string('k', 300) : $"fuzz-{random.Next(5)}");
        }

        if (random.NextDouble() < 0.1)
        {
            request.Headers.TryAddWithoutValidation("If-Match", generator.Pick(["\"v1\"", "\"v0\"", "W/\"x\"", "*", "garbage"]));
        }

        JsonElement? bodySchema = operation.TryGetProperty("requestBody", out var body)
            && body.TryGetProperty("content", out var content)
            && content.TryGetProperty("application/json", out var json)
            && json.TryGetProperty("schema", out var shape) ? shape : null;
        if (bodySchema is not null || method is "put" or "post")
        {
            var (text, contentType) = generator.Body(bodySchema);
            if (text is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                // A body over the limit is refused (413) before it is read, and the connection is then closed: a client
                // sends such a body after "100-continue", as HTTP intends, so it reads the refusal instead of a reset.
                request.Headers.ExpectContinue = bytes.Length > PlatformDefaults.MaxRequestBodyBytes;
            }
        }

        return request;
    }

    private static List<JsonElement> Parameters(JsonElement element) =>
        element.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().ToList() : [];

    private static string PlausibleParameter(string name) => name switch
    {
        "recipientId" or "recipient" => Own,
        "week" or "from" or "to" => "2026-W48",
        "month" => "2026-11",
        "ruleId" => "weekly-hours-below-engagement",
        "version" or "page" => "1",
        "pageSize" or "limit" => "20",
        "status" => "open",
        "at" => "2026-11-26T10:00:00Z",
        _ => Guid.NewGuid().ToString(),
    };

    /// <summary>Percent-encodes the UTF-8 bytes of a value (lone surrogates become U+FFFD), every byte but the unreserved.</summary>
    private static string Escape(string value)
    {
        var escaped = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            escaped.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~'
                ? ((char)b).ToString()
                : "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return escaped.ToString();
    }

    /// <summary>
    /// One statement that reads the row count of every table of a service's database as one text; the rules service's
    /// deadline bookkeeping is left out, its job writes it on its own clock.
    /// </summary>
    private static async Task<string> SnapshotQueryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var tables = (await connection.QueryAsync<string>(
            """
            SELECT quote_ident(table_name) FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'deadline_cursor', 'processed_deadlines') ORDER BY 1
            """)).ToList();
        return "SELECT concat_ws(' ', " + string.Join(", ", tables.Select(table => $"'{table.Trim('"')}=' || (SELECT count(*) FROM {table})")) + ")";
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
