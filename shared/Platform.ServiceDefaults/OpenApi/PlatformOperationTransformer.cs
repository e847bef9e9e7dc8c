using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.Problems;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>
/// What every operation shares, read from its endpoint's metadata: who may call it (the bearer scheme and its roles),
/// every problem it can answer with its type and an example, the headers it reads and writes, and the formats of the
/// identifiers in its path and query.
/// </summary>
internal sealed class PlatformOperationTransformer : IOpenApiOperationTransformer
{
    /// <summary>An ISO 8601 week, e.g. 2026-W48 (weeks 01 to 53).</summary>
    public const string WeekPattern = "^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$";

    /// <summary>A calendar month, e.g. 2026-12.</summary>
    public const string MonthPattern = "^[0-9]{4}-(0[1-9]|1[0-2])$";

    /// <summary>The identity provider's opaque recipient ids: letters, digits, '-' and '_', at most 64.</summary>
    public const string RecipientIdPattern = "^[A-Za-z0-9_-]{1,64}$";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document;
        operation.Responses ??= [];
        operation.Parameters ??= [];

        var problems = new List<(int Status, string? Type, string Title, string When)>();
        void Problem(int status)
        {
            if (ProblemResponses.Default(status) is { } known)
            {
                problems.Add((status, known.Type, known.Title, known.When));
            }
        }

        var policies = context.ApplicationServices.GetService<IAuthorizationPolicyProvider>();
        var (roles, anonymous) = await RolesOfAsync(metadata, policies);
        if (anonymous)
        {
            // An empty requirement: no credentials needed.
            operation.Security = [new OpenApiSecurityRequirement()];
        }
        else
        {
            // Roles are not OAuth scopes, so the requirement lists none; the roles the token's `role` claim must name are
            // in x-roles (for generators and linters) and in the description (for people).
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(PlatformOpenApi.BearerScheme, document)] = [] }];
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-roles"] = new JsonNodeExtension(new JsonArray(roles.Select(role => (JsonNode)JsonValue.Create(role)).ToArray()));
            operation.Description = $"{operation.Description}\n\nRoles: {(roles.Count == 0 ? "any signed-in person" : string.Join(", ", roles.Select(role => $"`{role}`")))}.".TrimStart();
            Problem(StatusCodes.Status401Unauthorized);
            Problem(StatusCodes.Status403Forbidden);
        }

        if (context.Description.ParameterDescriptions.Any(parameter => parameter.Source == BindingSource.Body))
        {
            Problem(StatusCodes.Status400BadRequest);
            Problem(StatusCodes.Status413PayloadTooLarge);
            Problem(StatusCodes.Status415UnsupportedMediaType);
            Problem(StatusCodes.Status422UnprocessableEntity);
        }
        else if (context.Description.ParameterDescriptions.Any(parameter => parameter.Source == BindingSource.Query || parameter.Source == BindingSource.Path))
        {
            Problem(StatusCodes.Status400BadRequest);
            if (context.Description.ParameterDescriptions.Any(parameter => parameter.Source == BindingSource.Query))
            {
                // A query value out of range, or that its type cannot hold (QueryBinding), is a validation problem.
                Problem(StatusCodes.Status422UnprocessableEntity);
            }
        }

        if (metadata.OfType<IdempotencyKeyMetadata>().Any())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKeys.Header,
                In = ParameterLocation.Header,
                Description = "Any string of at most 200 characters chosen by the caller. The same key with the same body again replays the "
                    + "first answer and creates nothing; the same key with another body is refused (422, idempotency-key-reused).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyKeys.MaxKeyLength },
            });
            problems.Add((StatusCodes.Status422UnprocessableEntity, IdempotencyKeys.KeyReused, "Clé d'idempotence déjà utilisée",
                "The Idempotency-Key was already used for a different request."));
        }

        if (metadata.OfType<IfMatchMetadata>().Any())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Description = "The ETag of the version read (e.g. \"v2\"); the change is refused with 412 if another version has replaced it.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            Problem(StatusCodes.Status412PreconditionFailed);
        }

        foreach (var declared in metadata.OfType<ProblemTypeMetadata>())
        {
            problems.Add((declared.Status, declared.Type, ProblemResponses.Default(declared.Status)?.Title ?? "Problème", declared.When));
        }

        AddProblemResponses(operation, document, problems);
        DescribeSuccessHeaders(operation, metadata.OfType<ETagMetadata>().Any());
        DescribeParameterFormats(operation);
        if (metadata.OfType<RequestExampleMetadata>().LastOrDefault() is { } example
            && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
        {
            body.Example = JsonNode.Parse(example.Json);
        }
    }

    /// <summary>
    /// The roles the endpoint's authorization asks for: from policy objects, from <c>[Authorize(Roles = ...)]</c>, and
    /// from the named policies set on route groups (resolved through the policy provider to their role requirements).
    /// </summary>
    private static async Task<(List<string> Roles, bool Anonymous)> RolesOfAsync(IList<object> metadata, IAuthorizationPolicyProvider? provider)
    {
        var anonymous = metadata.OfType<IAllowAnonymous>().Any()
            || (!metadata.OfType<AuthorizationPolicy>().Any() && !metadata.OfType<IAuthorizeData>().Any());
        var policies = metadata.OfType<AuthorizationPolicy>().ToList();
        if (provider is not null)
        {
            foreach (var name in metadata.OfType<IAuthorizeData>().Select(data => data.Policy).OfType<string>().Where(name => name.Length > 0))
            {
                if (await provider.GetPolicyAsync(name) is { } named)
                {
                    policies.Add(named);
                }
            }
        }

        var fromPolicies = policies
            .SelectMany(policy => policy.Requirements.OfType<RolesAuthorizationRequirement>())
            .SelectMany(requirement => requirement.AllowedRoles);
        var fromAttributes = metadata.OfType<IAuthorizeData>()
            .SelectMany(data => (data.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return (fromPolicies.Concat(fromAttributes).Distinct(StringComparer.Ordinal).ToList(), anonymous);
    }

    private static void AddProblemResponses(
        OpenApiOperation operation, OpenApiDocument? document, List<(int Status, string? Type, string Title, string When)> problems)
    {
        problems.Add((StatusCodes.Status429TooManyRequests, null, "Trop de demandes",
            "Too many requests from this caller: wait for the number of seconds in Retry-After, then try again."));
        problems.Add((StatusCodes.Status503ServiceUnavailable, null, "Service indisponible",
            "The service cannot answer now (its database or broker is out of reach, or it is shedding load): try again later."));
        foreach (var status in operation.Responses!.Keys.Select(key => int.TryParse(key, out var code) ? code : 0).Where(code => code >= 400).ToList())
        {
            if (!problems.Any(problem => problem.Status == status))
            {
                Problem(status);
            }
        }

        foreach (var group in problems.GroupBy(problem => problem.Status).OrderBy(group => group.Key))
        {
            var distinct = group.DistinctBy(problem => problem.Type ?? problem.When).ToList();
            var media = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemResponses.SchemaName, document) };
            if (distinct.Count == 1)
            {
                var only = distinct[0];
                media.Example = ProblemResponses.Example(group.Key, only.Type, only.Title, only.When);
            }
            else
            {
                media.Examples = distinct.ToDictionary(
                    problem => problem.Type?[ProblemTypes.Base.Length..] ?? $"status-{group.Key}",
                    problem => (IOpenApiExample)new OpenApiExample
                    {
                        Summary = problem.When,
                        Value = ProblemResponses.Example(group.Key, problem.Type, problem.Title, problem.When),
                    });
            }

            var response = new OpenApiResponse
            {
                Description = string.Join(" ", distinct.Select(problem => problem.Type is null
                    ? problem.When
                    : $"`{problem.Type[ProblemTypes.Base.Length..]}`: {problem.When}")),
                Content = new Dictionary<string, OpenApiMediaType> { [ProblemResponses.MediaType] = media },
            };
            if (group.Key is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
            {
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before trying again, when the service knows.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                    },
                };
            }

            operation.Responses[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }

        // Statuses in order, so a reader (and a diff) finds them where expected.
        var ordered = operation.Responses.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered)
        {
            operation.Responses[status] = response;
        }

        void Problem(int status)
        {
            var known = ProblemResponses.Default(status);
            problems.Add((status, known?.Type, known?.Title ?? "Problème", known?.When ?? "See the problem's detail."));
        }
    }

    private static void DescribeSuccessHeaders(OpenApiOperation operation, bool etag)
    {
        foreach (var (status, response) in operation.Responses!)
        {
            if (!status.StartsWith('2') || response is not OpenApiResponse success)
            {
                continue;
            }

            success.Headers ??= new Dictionary<string, IOpenApiHeader>();
            if (status == "201")
            {
                success.Headers["Location"] = new OpenApiHeader
                {
                    Description = "The address of what was created.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
                };
            }

            if (etag)
            {
                success.Headers["ETag"] = new OpenApiHeader
                {
                    Description = "The version shown (e.g. \"v2\"): send it back in If-Match to change exactly this version.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
        }
    }

    private static void DescribeParameterFormats(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters!.OfType<OpenApiParameter>())
        {
            // A query bound from an [AsParameters] record is named after its properties; query names bind whatever their
            // case, so the document names them in camelCase like every other query parameter.
            if (parameter.In == ParameterLocation.Query && parameter.Name is { Length: > 0 } queryName && char.IsUpper(queryName[0]))
            {
                parameter.Name = char.ToLowerInvariant(queryName[0]) + queryName[1..];
            }

            if (parameter.Schema is not OpenApiSchema schema || schema.Type?.HasFlag(JsonSchemaType.String) != true || schema.Format is not null)
            {
                continue;
            }

            var name = parameter.Name ?? "";
            (schema.Pattern, var meaning) = name switch
            {
                "recipientId" or "recipient" => (RecipientIdPattern, "A recipient id, as the identity provider gives it (e.g. R-1001)."),
                "week" or "fromWeek" => (WeekPattern, "An ISO 8601 week, e.g. 2026-W48."),
                "month" or "fromMonth" or "startMonth" => (MonthPattern, "A month, e.g. 2026-12."),
                _ => (schema.Pattern, null),
            };
            if (meaning is not null && string.IsNullOrEmpty(parameter.Description))
            {
                parameter.Description = meaning;
            }
        }
    }
}
