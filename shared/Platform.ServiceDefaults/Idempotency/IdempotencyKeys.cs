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
/// docs/api.md: "every POST that creates something honours an Idempotency-Key header". With the header, the first
/// successful answer is stored under (caller, route, key); the same key again with the same body replays it and
/// creates nothing; the same key with another body is refused (422, <c>idempotency-key-reused</c>). Concurrent
/// requests with one key are serialised by an advisory lock, so only one of them runs the endpoint.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;
    public const string KeyReused = ProblemTypes.Base + "idempotency-key-reused";

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
        var route = http.Request.Path.Value ?? "";
        var requestHash = await HashBodyAsync(http.Request, cancellationToken);

        var dataSource = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('idempotency:' || @caller || ':' || @route || ':' || @key, 0))",
            new { caller, route, key },
            transaction);
        var stored = await connection.QuerySingleOrDefaultAsync<StoredAnswer>(
            "SELECT request_hash, status, location, body FROM idempotency_keys WHERE caller = @caller AND route = @route AND key = @key",
            new { caller, route, key },
            transaction);
        if (stored is not null)
        {
            if (stored.RequestHash != requestHash)
            {
                return Problems.Problems.Create(
                    StatusCodes.Status422UnprocessableEntity,
                    KeyReused,
                    Localized.Text("Clé d'idempotence déjà utilisée", "Idempotency key already used"),
                    Localized.Text(
                        "Cette clé d'idempotence a déjà servi pour une autre demande : utilisez une nouvelle clé pour une nouvelle demande.",
                        "This idempotency key was already used for a different request: use a new key for a new request."));
            }

            if (stored.Location is not null)
            {
                http.Response.Headers.Location = stored.Location;
            }

            return TypedResults.Text(stored.Body, "application/json", Encoding.UTF8, stored.Status);
        }

        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } success and IValueHttpResult answer)
        {
            var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            await connection.ExecuteAsync(
                """
                INSERT INTO idempotency_keys (caller, route, key, request_hash, status, location, body, created_at)
                VALUES (@caller, @route, @key, @requestHash, @status, @location, @body, @now)
                """,
                new
                {
                    caller, route, key, requestHash, status = success.StatusCode!.Value,
                    location = LocationOf(inner),
                    body = JsonSerializer.Serialize(answer.Value, answer.Value?.GetType() ?? typeof(object), json),
                    now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
                },
                transaction);
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
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

    private sealed record StoredAnswer(string RequestHash, int Status, string? Location, string Body);
}
