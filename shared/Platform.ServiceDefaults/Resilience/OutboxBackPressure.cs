using System.Diagnostics;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.ServiceDefaults.Messaging;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>
/// While the broker is away, writing routes keep answering: their events wait in the outbox. Past
/// <see cref="OutboxOptions.MaxDepth"/> waiting events they answer 503 with <c>Retry-After</c> instead, so an outage
/// cannot grow the outbox without end. The depth is counted at most once per <see cref="OutboxOptions.DepthCheckInterval"/>
/// (and never past the bound), so the check costs requests next to nothing.
/// </summary>
public sealed class OutboxBackPressure(NpgsqlDataSource dataSource, IOptions<OutboxOptions> options)
{
    private long countedAt;
    private long depth;
    private int counting;

    public async Task<bool> IsFullAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if ((Volatile.Read(ref countedAt) == 0 || Stopwatch.GetElapsedTime(Volatile.Read(ref countedAt)) >= settings.DepthCheckInterval) && Interlocked.Exchange(ref counting, 1) == 0)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                var waiting = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT count(*) FROM (SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT @MaxDepth) AS waiting",
                    new { settings.MaxDepth },
                    cancellationToken: cancellationToken));
                Interlocked.Exchange(ref depth, waiting);
                Volatile.Write(ref countedAt, Stopwatch.GetTimestamp());
            }
            finally
            {
                Volatile.Write(ref counting, 0);
            }
        }

        return Interlocked.Read(ref depth) >= settings.MaxDepth;
    }
}

internal static class BackPressure
{
    /// <summary>Refuses writing requests (not GET, HEAD or OPTIONS) while the outbox is full; a no-op in a service without a bus.</summary>
    internal static IApplicationBuilder UseOutboxBackPressure(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var method = context.Request.Method;
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method)
                && context.RequestServices.GetService<OutboxBackPressure>() is { } backPressure
                && await backPressure.IsFullAsync(context.RequestAborted))
            {
                var problem = Unavailable.Problem(context);
                problem.Detail = Problems.Localized.Text(
                    $"Le service a trop d'événements en attente de publication ; rien n'a été enregistré. Réessayez dans {Unavailable.RetryAfterSeconds} s.",
                    $"The service has too many events waiting to be published; nothing was recorded. Try again in {Unavailable.RetryAfterSeconds} s.");
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = problem,
                });
                return;
            }

            await next(context);
        });
}
