using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.OpenApi;

/// <summary>A problem <c>type</c> an endpoint may answer with, beyond those every endpoint of its kind gives.</summary>
public sealed record ProblemTypeMetadata(int Status, string Type, string When);

/// <summary>A request body example as JSON, shown in the document and checked by the linter against the schema.</summary>
public sealed record RequestExampleMetadata(string Json);

/// <summary>The endpoint reads <c>If-Match</c> (optimistic concurrency) and answers 412 when it is stale.</summary>
public sealed record IfMatchMetadata;

/// <summary>The endpoint's success answers carry an <c>ETag</c> naming the version they show.</summary>
public sealed record ETagMetadata;

/// <summary>The endpoint honours an <c>Idempotency-Key</c> header (set by <c>WithIdempotencyKey</c>).</summary>
public sealed record IdempotencyKeyMetadata;

/// <summary>
/// Per-endpoint additions to the OpenAPI document. What every endpoint shares (security, 401/403, the 4xx of a body,
/// 429/503, headers, parameter formats) is added by <see cref="PlatformOpenApi"/>'s transformers, not here.
/// </summary>
public static class OpenApiMetadata
{
    /// <summary>Documents a problem type the endpoint answers with, and when.</summary>
    public static RouteHandlerBuilder ProducesProblemType(this RouteHandlerBuilder endpoint, int status, string type, string when) =>
        endpoint.ProducesProblem(status).WithMetadata(new ProblemTypeMetadata(status, type, when));

    /// <summary>Documents a 404 <c>not-found</c> answer.</summary>
    public static RouteHandlerBuilder ProducesNotFound(this RouteHandlerBuilder endpoint, string when) =>
        endpoint.ProducesProblemType(StatusCodes.Status404NotFound, Problems.ProblemTypes.NotFound, when);

    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder endpoint, string json) =>
        endpoint.WithMetadata(new RequestExampleMetadata(json));

    public static RouteHandlerBuilder AcceptsIfMatch(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new IfMatchMetadata()).ProducesProblem(StatusCodes.Status412PreconditionFailed);

    public static RouteHandlerBuilder ReturnsETag(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new ETagMetadata());
}
