using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Platform.ServiceDefaults.Problems;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>
/// A dependency that is down or saturated (the database unreachable, its connections exhausted, the outbox full while
/// the broker is away) is answered with 503 and <c>Retry-After</c> at once: the client learns to come back, rather
/// than waiting for a timeout or reading a 500 that blames the service.
/// </summary>
public static class Unavailable
{
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// True for a failure to reach PostgreSQL or to get a connection from the pool: a network error, a timeout, the
    /// server shutting down or refusing connections (SQL states 08..., 53..., 57P01–57P03).
    /// </summary>
    public static bool IsDependencyDown(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } => true,
        NpgsqlException npgsql when npgsql.Message.Contains("pool", StringComparison.OrdinalIgnoreCase) => true,
        NpgsqlException { IsTransient: true } => true,
        TimeoutException => true,
        _ => false,
    };

    public static ProblemDetails Problem(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.Unavailable,
            Title = Localized.Text("Service momentanément indisponible", "Service temporarily unavailable"),
            Detail = Localized.Text(
                $"Le service ne peut pas traiter la demande pour l'instant ; rien n'a été enregistré. Réessayez dans {RetryAfterSeconds} s.",
                $"The service cannot process the request right now; nothing was recorded. Try again in {RetryAfterSeconds} s."),
        };
    }
}
