using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>What a service says about itself at the top of its OpenAPI document.</summary>
public sealed class PlatformApiOptions
{
    /// <summary>"Declarations": the document is titled "XP RSA — Declarations".</summary>
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>Where <c>deploy/local/up.sh</c> runs the service; the document's server.</summary>
    public string LocalUrl { get; set; } = "http://127.0.0.1";
}

/// <summary>
/// The services' OpenAPI documents: the same security scheme, problem responses, headers and parameter formats for
/// every operation (the transformers here), and per endpoint only what is its own (name, summary, description, its
/// problem types, a request example). The documents are also generated at build time (see the README): then the
/// entry assembly is the ASP.NET Core document tool, and the service must build its endpoints without a database,
/// a broker or its secrets.
/// </summary>
public static class PlatformOpenApi
{
    public const string DocumentName = "v1";
    public const string BearerScheme = "bearer";

    /// <summary>True while <c>Microsoft.Extensions.ApiDescription.Server</c> writes the documents during a build.</summary>
    public static bool IsGeneratingDocuments { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>Names the service and says what its API is for (the document's title and description).</summary>
    public static WebApplicationBuilder DescribeApi(this WebApplicationBuilder builder, string name, string description, string localUrl)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<PlatformApiOptions>(api =>
        {
            api.Name = name;
            api.Description = description;
            api.LocalUrl = localUrl;
        });
        return builder;
    }

    internal static void AddPlatformOpenApi(this WebApplicationBuilder builder)
    {
        if (IsGeneratingDocuments)
        {
            PrepareForDocumentGeneration(builder);
        }

        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddOperationTransformer<PlatformOperationTransformer>();
            options.AddDocumentTransformer<PlatformDocumentTransformer>();
        });
    }

    internal static void MapPlatformOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        if (app.Environment.IsDevelopment())
        {
            // The API reference page, for people trying the API on their machine; the JSON document is the contract.
            var name = app.Services.GetRequiredService<IOptions<PlatformApiOptions>>().Value.Name;
            app.MapScalarApiReference("/reference", reference => reference
                .WithTitle($"XP RSA — {name}")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddHttpAuthentication(BearerScheme, _ => { }))
                .AllowAnonymous();
        }
    }

    /// <summary>
    /// The document tool builds the host and reads its endpoints; it must not migrate a database, connect to the broker
    /// or run jobs, and the secrets a real start requires are not there. Placeholders stand in for the settings read
    /// while services are registered, and no background service or start-up validation runs.
    /// </summary>
    private static void PrepareForDocumentGeneration(WebApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Database"] = builder.Configuration.GetConnectionString("Database") ?? "Host=document-generation-only",
            ["Auth:SigningKey"] = builder.Configuration["Auth:SigningKey"] ?? "document-generation-only-never-validates-a-token",
            ["RabbitMq:Host"] = builder.Configuration["RabbitMq:Host"] ?? "document-generation-only",
            ["RabbitMq:Username"] = builder.Configuration["RabbitMq:Username"] ?? "document-generation-only",
            ["RabbitMq:Password"] = builder.Configuration["RabbitMq:Password"] ?? "document-generation-only",
        });
        builder.Host.UseServiceProviderFactory(new DocumentGenerationServiceProviderFactory());
    }

    private sealed class DocumentGenerationServiceProviderFactory : IServiceProviderFactory<IServiceCollection>
    {
        public IServiceCollection CreateBuilder(IServiceCollection services) => services;

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder)
        {
            for (var index = containerBuilder.Count - 1; index >= 0; index--)
            {
                var service = containerBuilder[index];
                var background = service.ServiceType == typeof(IHostedService)
                    && service.ImplementationType?.FullName != "Microsoft.AspNetCore.Hosting.GenericWebHostService";
                if (background || service.ServiceType == typeof(IStartupValidator))
                {
                    containerBuilder.RemoveAt(index);
                }
            }

            return containerBuilder.BuildServiceProvider();
        }
    }
}
