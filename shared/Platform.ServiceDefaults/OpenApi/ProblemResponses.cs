using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;
using Platform.ServiceDefaults.Problems;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>The <c>ProblemDetails</c> schema and the problem answers every operation shares, with an example of each.</summary>
internal static class ProblemResponses
{
    public const string SchemaName = "ProblemDetails";
    public const string MediaType = "application/problem+json";

    /// <summary>Why each status is answered, and its usual type (null where the platform gives none of its own).</summary>
    public static (string Type, string Title, string When)? Default(int status) => status switch
    {
        400 => (ProblemTypes.MalformedRequest, "Demande illisible", "The body is not valid JSON, or a path parameter or header has the wrong type."),
        401 => (ProblemTypes.Unauthenticated, "Authentification requise", "No valid bearer token was sent."),
        403 => (ProblemTypes.Forbidden, "Accès refusé", "The caller's role does not allow this operation, or the data is not theirs."),
        404 => (ProblemTypes.NotFound, "Introuvable", "Nothing exists at this address."),
        409 => (ProblemTypes.Conflict, "Conflit", "The resource's state does not allow this operation now."),
        412 => (ProblemTypes.PreconditionFailed, "Version périmée", "The If-Match header names a version that is no longer the current one."),
        413 => (ProblemTypes.RequestTooLarge, "Demande trop volumineuse", $"The body is larger than {PlatformDefaults.MaxRequestBodyBytes / 1024} KiB."),
        415 => (ProblemTypes.UnsupportedMediaType, "Type de contenu non pris en charge", "The body is not sent as application/json."),
        422 => (ProblemTypes.Validation, "La demande contient des erreurs.", "A field or query parameter is missing, out of range or of the wrong type: `errors` lists each one with its messages."),
        _ => null,
    };

    public static OpenApiSchema Schema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. `type` is stable: switch on it. `title` and `detail` are in French, or in English "
            + "with `Accept-Language: en`.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = "uri",
                Description = $"The problem's stable identifier, under {ProblemTypes.Base}.",
            },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary, in the caller's language." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What happened and what to do, in the caller's language." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request this problem answers." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Validation problems (422) only: each failing field (as named in the request's JSON) with its messages.",
                AdditionalProperties = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
        },
    };

    public static JsonNode Example(int status, string? type, string title, string detail)
    {
        var example = new JsonObject();
        if (type is not null)
        {
            example["type"] = type;
        }

        example["title"] = title;
        example["status"] = status;
        example["detail"] = detail;
        if (status == StatusCodes.Status422UnprocessableEntity && type == ProblemTypes.Validation)
        {
            example["errors"] = new JsonObject { ["activities[0].hours"] = new JsonArray("Les heures vont de 0,5 à 60.") };
        }

        return example;
    }
}
