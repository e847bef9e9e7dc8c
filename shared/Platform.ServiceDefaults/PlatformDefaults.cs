using System.Reflection;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Hosting;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.RateLimiting;
using Platform.ServiceDefaults.Resilience;

namespace Platform.ServiceDefaults;

/// <summary>
/// The one place where every service gets the same health checks, telemetry, logging, authentication, problem
/// details, database and migrations. A service's Program.cs calls <see cref="AddPlatformDefaults"/>, adds its own
/// services, then <see cref="MapPlatformDefaults"/> and its endpoints.
/// </summary>
public static class PlatformDefaults
{
    /// <summary>Request bodies over this size are refused with 413 (docs/api.md).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddPlatformDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var serviceAssembly = Assembly.GetEntryAssembly() is { } entry && entry.GetName().Name == builder.Environment.ApplicationName
            ? entry
            : Assembly.Load(builder.Environment.ApplicationName);

        // First: while the documents are generated at build time, it puts placeholders in the settings read below.
        builder.AddPlatformOpenApi();
        services.AddSingleton(new ServiceIdentity(serviceName));
        services.AddSingleton(TimeProvider.System);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        AddLogging(builder);
        AddTelemetry(builder, serviceName);

        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemTypes.Complete);
        services.AddExceptionHandler<PlatformExceptionHandler>();
        // Malformed JSON and missing bodies throw, so the exception handler answers with problem details.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(json => json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);

        services.AddPlatformAuthentication(builder.Configuration);
        services.AddPlatformAuthorization();
        services.AddPlatformRateLimits();
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddValidatorsFromAssembly(serviceAssembly, ServiceLifetime.Singleton, includeInternalTypes: true);

        AddDatabase(builder, serviceAssembly);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    public static WebApplication MapPlatformDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLocalization(localization =>
        {
            // French first: it is the service's language; English for those who ask for it.
            string[] cultures = ["fr-FR", "en"];
            localization.SetDefaultCulture(cultures[0]).AddSupportedCultures(cultures).AddSupportedUICultures(cultures);
            localization.ApplyCurrentCultureToResponseHeaders = true;
            localization.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });
        app.UseMiddleware<RequestSizeLimit>();
        app.UseIdempotencyKeys();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<DepartementScopeMiddleware>();
        app.UsePlatformRateLimits();
        app.UseOutboxBackPressure();
        app.MapPlatformHealth();
        app.MapPlatformOpenApi();
        return app;
    }

    private static void AddLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        // ASP.NET Core's request logs carry the path, and paths carry recipient ids: personal data stays out of logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }

    private static void AddTelemetry(WebApplicationBuilder builder, string serviceName)
    {
        // Traces and metrics are collected only when there is somewhere to send them: collected for nothing they cost
        // CPU on every request and message (measured in docs/benchmarks.md).
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddSource("MassTransit"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("MassTransit"))
            .UseOtlpExporter();
    }

    private static void AddDatabase(WebApplicationBuilder builder, Assembly serviceAssembly)
    {
        var connectionString = builder.Configuration.GetConnectionString("Database");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Database is not set.");
        }

        DapperSetup.Configure();
        builder.Services.AddSingleton(_ =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            // Every service sends the same few statements again and again: those used often are prepared once per
            // connection instead of parsed and planned each time, and the reset of a connection handed back to the
            // pool is skipped, since no code leaves session state behind (settings and locks are per transaction;
            // the migration runner releases its session lock itself). Measured at 800 declarations/s: 23 % less
            // PostgreSQL CPU (docs/benchmarks.md).
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
            dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
            return dataSource.Build();
        });
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<ServiceDatabase>();
        builder.Services.AddSingleton(new MigrationSources([typeof(PlatformDefaults).Assembly, serviceAssembly]));
        var owner = builder.Configuration.GetConnectionString("Migrations");
        builder.Services.AddSingleton(new MigrationOwner(
            string.IsNullOrWhiteSpace(owner) || owner == connectionString ? null : owner, new NpgsqlConnectionStringBuilder(connectionString).Username ?? ""));
        // Registered before the bus, so the schema exists before any consumer or the outbox dispatcher runs.
        builder.Services.AddHostedService<MigrationRunner>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RetentionJob>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<RetentionJob>());
    }
}
