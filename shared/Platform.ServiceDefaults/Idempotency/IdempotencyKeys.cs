using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Problems;

namespace Platform.ServiceDefaults.Idempotency;

/// <summary>
/// Every POST that creates something honours an Idempotency-Key header. With the header, the first successful answer
/// is stored under (caller, route, key); the same key again with the same body replays it and creates nothing; the
/// same key with another body is refused (422, <c>idempotency-key-reused</c>).
/// The key is claimed in a short transaction of its own before the endpoint runs, and the answer stored in another
/// after it: the filter never holds a connection (or a lock) while the endpoint waits for one, so concurrent keyed
/// requests are bounded by the connection pool instead of starving it. A concurrent request with the same key waits
/// for the first one's answer and replays it; a refused or failed request releases its claim, so the key can be used
/// again with a corrected body.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;
    public const string KeyReused = ProblemTypes.Base + "idempotency-key-reused";
    public const string KeyInProgress = ProblemTypes.Base + "idempotency-key-in-progress";

    /// <summary>Lets the filter read the body the endpoint already bound (MapPlatformDefaults calls it for every service).</summary>
    internal static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Headers.ContainsKey(Header))
            {
                context.Request.EnableBuffering();
            }

            await next(context);
        });

    public static RouteHandlerBuilder WithIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(FilterAsync).WithMetadata(new OpenApi.IdempotencyKeyMetadata());

    private static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return await next(context);
        }

        if (key.Length > MaxKeyLength)
        {
            return Problems.Problems.Validation(new Dictionary<string, string[]>
            {
                [Header] = [Localized.Text(
                    $"La clé d'idempotence fait au plus {MaxKeyLength} caractères.", $"The idempotency key is at most {MaxKeyLength} characters.")],
            });
        }

        var cancellationToken = http.RequestAborted;
        var caller = http.User.Identity?.IsAuthenticated == true ? http.User.SubjectId() : "";
        var claim = new Claim(
            caller,
            http.Request.Path.Value ?? "",
            key,
            await HashBodyAsync(http.Request, cancellationToken),
            http.RequestServices.GetRequiredService<NpgsqlDataSource>());
        var options = http.RequestServices.GetRequiredService<IOptions<IdempotencyOptions>>().Value;

        var waited = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(20);
        while (!await claim.TryTakeAsync(cancellationToken))
        {
            var stored = await claim.ReadAsync(cancellationToken);
            if (stored is null)
            {
                continue; // released meanwhile: claim it again
            }

            if (stored.RequestHash != claim.RequestHash)
            {
                return Problems.Problems.Create(
                    StatusCodes.Status422UnprocessableEntity,
                    KeyReused,
                    Localized.Text("Clé d'idempotence déjà utilisée", "Idempotency key already used"),
                    Localized.Text(
                        "Cette clé d'idempotence a déjà servi pour une autre demande : utilisez une nouvelle clé pour une nouvelle demande.",
                        "This idempotency key was already used for a different request: use a new key for a new request."));
            }

            if (stored.Status is { } status)
            {
                if (stored.Location is not null)
                {
                    http.Response.Headers.Location = stored.Location;
                }

                return TypedResults.Text(stored.Body, "application/json", Encoding.UTF8, status);
            }

            if (await claim.TryTakeOverAbandonedAsync(options.AbandonedAfter, cancellationToken))
            {
                break;
            }

            if (waited.Elapsed > options.WaitForConcurrent)
            {
                http.Response.Headers.RetryAfter = "1";
                return Problems.Problems.Create(
                    StatusCodes.Status409Conflict,
                    KeyInProgress,
                    Localized.Text("Demande déjà en cours", "Request already in progress"),
                    Localized.Text(
                        "Une demande avec cette clé d'idempotence est encore en cours : renvoyez-la dans un instant pour en lire la réponse.",
                        "A request with this idempotency key is still in progress: send it again in a moment to read its answer."));
            }

            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(250).Ticks));
        }

        var answered = false;
        try
        {
            var result = await next(context);
            var inner = result is INestedHttpResult nested ? nested.Result : result;
            if (inner is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } success and IValueHttpResult answer)
            {
                var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
                await claim.AnswerAsync(
                    success.StatusCode!.Value,
                    LocationOf(inner),
                    JsonSerializer.Serialize(answer.Value, answer.Value?.GetType() ?? typeof(object), json),
                    CancellationToken.None);
                answered = true;
            }

            return result;
        }
        finally
        {
            // A refusal or a failure stored nothing: the key is free again, for a corrected request. Not cancellable:
            // the client may be gone, the claim must still go.
            if (!answered)
            {
                await claim.ReleaseAsync(CancellationToken.None);
            }
        }
    }

    private static string? LocationOf(object? result) =>
        result?.GetType().GetProperty("Location")?.GetValue(result) as string;

    private static async Task<string> HashBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.Body.CanSeek)
        {
            return "";
        }

        request.Body.Position = 0;
        var hash = await SHA256.HashDataAsync(request.Body, cancellationToken);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash);
    }

    private sealed record StoredAnswer(string RequestHash, int? Status, string? Location, string? Body);

    /// <summary>One (caller, route, key) row; each step is its own short statement on a connection taken and given back.</summary>
    private sealed record Claim(string Caller, string Route, string Key, string RequestHash, NpgsqlDataSource DataSource)
    {
        public async Task<bool> TryTakeAsync(CancellationToken cancellationToken) =>
            await ExecuteAsync(
                """
                INSERT INTO idempotency_keys (caller, route, key, request_hash, created_at)
                VALUES (@Caller, @Route, @Key, @RequestHash, clock_timestamp())
                ON CONFLICT DO NOTHING
                """,
                null,
                cancellationToken) == 1;

        public async Task<StoredAnswer?> ReadAsync(CancellationToken cancellationToken)
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            return await connection.QuerySingleOrDefaultAsync<StoredAnswer>(new CommandDefinition(
                "SELECT request_hash, status, location, body FROM idempotency_keys WHERE caller = @Caller AND route = @Route AND key = @Key",
                this,
                cancellationToken: cancellationToken));
        }

        /// <summary>Takes a claim whose request never answered (its instance died): the database's clock decides.</summary>
        public async Task<bool> TryTakeOverAbandonedAsync(TimeSpan abandonedAfter, CancellationToken cancellationToken) =>
            await ExecuteAsync(
                """
                UPDATE idempotency_keys SET created_at = clock_timestamp()
                WHERE caller = @Caller AND route = @Route AND key = @Key AND request_hash = @RequestHash
                  AND status IS NULL AND created_at < clock_timestamp() - @abandonedAfter
                """,
                new { abandonedAfter },
                cancellationToken) == 1;

        public async Task AnswerAsync(int status, string? location, string body, CancellationToken cancellationToken) =>
            await ExecuteAsync(
                "UPDATE idempotency_keys SET status = @status, location = @location, body = @body WHERE caller = @Caller AND route = @Route AND key = @Key",
                new { status, location, body },
                cancellationToken);

        public async Task ReleaseAsync(CancellationToken cancellationToken) =>
            await ExecuteAsync(
                "DELETE FROM idempotency_keys WHERE caller = @Caller AND route = @Route AND key = @Key AND status IS NULL",
                null,
                cancellationToken);

        private async Task<int> ExecuteAsync(string sql, object? extra, CancellationToken cancellationToken)
        {
            var parameters = new DynamicParameters(new { Caller, Route, Key, RequestHash });
            if (extra is not null)
            {
                parameters.AddDynamicParams(extra);
            }

            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        }
    }
}
