using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Platform.ServiceDefaults.Problems;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>The document's title, description, server, bearer scheme, shared schemas and tag list.</summary>
internal sealed class PlatformDocumentTransformer(IOptions<PlatformApiOptions> options) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var api = options.Value;
        document.Info = new OpenApiInfo
        {
            Title = $"XP RSA — {api.Name}",
            Version = PlatformOpenApi.DocumentName,
            Description = $"""
                {api.Description}

                Part of XP RSA, the weekly activity declarations of RSA recipients with a human in every decision. Every
                operation needs a bearer token (JWT, from the platform's OpenID Connect provider) whose `role` claim names
                one of the roles the operation lists; a recipient's `sub` is their recipient id. Errors are RFC 9457
                problem details (`application/problem+json`) with a stable `type` under {ProblemTypes.Base}; messages are in
                French, or in English with `Accept-Language: en`.
                """,
            Contact = new OpenApiContact { Name = "XP RSA platform team", Url = new Uri("https://xp-rsa.example/") },
            License = new OpenApiLicense { Name = "Licence Ouverte 2.0", Url = new Uri("https://www.etalab.gouv.fr/licence-ouverte-open-licence/") },
        };
        document.Servers = [new OpenApiServer { Url = api.LocalUrl, Description = "Local development (deploy/local/up.sh)" }];

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [PlatformOpenApi.BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the platform's OpenID Connect provider (locally: `deploy/local/token.sh ROLE [SUBJECT]`). "
                    + "Its `role` claim is one of recipient, counsellor, supervisor, auditor; for a recipient, `sub` is the recipient id.",
            },
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemResponses.SchemaName] = ProblemResponses.Schema();
        // Every problem answer refers to the one schema above, which carries the validation `errors` extension.
        document.Components.Schemas.Remove("HttpValidationProblemDetails");

        var used = document.Paths.Values
            .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(tag => tag.Name)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag { Name = name, Description = $"{name} of the {api.Name} service." }));
        return Task.CompletedTask;
    }
}
