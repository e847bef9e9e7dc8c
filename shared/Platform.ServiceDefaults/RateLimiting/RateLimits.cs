using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Problems;

namespace Platform.ServiceDefaults.RateLimiting;

/// <summary>
/// How often anyone may call a service, with ASP.NET Core's rate limiter: every route counts against its caller (the
/// token's subject; the client address for anonymous calls) in a fixed window, and the routes that cost most
/// (<see cref="Costly"/>: simulations, full verification, statistics) count again against a much smaller allowance.
/// Past either, 429 with <c>Retry-After</c> and the <c>rate-limited</c> problem type. A recipient's few weekly
/// declarations are far below any limit; the limits are in configuration (<see cref="RateLimitOptions"/>).
/// </summary>
public static class RateLimits
{
    /// <summary>The policy for routes whose one call reads whole tables or computes over many recipients.</summary>
    public const string Costly = "costly";

    internal static IServiceCollection AddPlatformRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                if (!options.Enabled || context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                var authenticated = context.User.Identity?.IsAuthenticated == true;
                return RateLimitPartition.GetFixedWindowLimiter(
                    PartitionOf(context),
                    _ => Window(authenticated ? options.PermitsPerCaller : options.PermitsPerAddress, options.Window));
            });
            limiter.AddPolicy(Costly, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return options.Enabled
                    ? RateLimitPartition.GetFixedWindowLimiter(PartitionOf(context), _ => Window(options.CostlyPermits, options.CostlyWindow))
                    : RateLimitPartition.GetNoLimiter("");
            });
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>After authentication, so that an authenticated caller is counted as themself wherever they call from.</summary>
    internal static IApplicationBuilder UsePlatformRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>
    /// The caller: the token's subject when authenticated, otherwise the client address (an anonymous or forged-token
    /// caller cannot pick another person's allowance).
    /// </summary>
    private static string PartitionOf(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? "subject:" + context.User.SubjectId()
            : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemTypes.RateLimited,
                Title = Localized.Text("Trop de demandes", "Too many requests"),
                Detail = Localized.Text(
                    $"Vous avez envoyé trop de demandes en peu de temps : réessayez dans {seconds} s.",
                    $"You sent too many requests in a short time: try again in {seconds} s."),
            },
        });
    }
}
