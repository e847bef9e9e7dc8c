namespace Platform.ServiceDefaults.Problems;

/// <summary>
/// Stable problem <c>type</c>s (RFC 9457) a client can switch on. Published names: never renamed, only added.
/// </summary>
public static class ProblemTypes
{
    public const string Base = "https://xp-rsa.example/problems/";

    public const string Validation = Base + "validation";
    public const string MalformedRequest = Base + "malformed-request";
    public const string RequestTooLarge = Base + "request-too-large";
    public const string Unauthenticated = Base + "unauthenticated";
    public const string Forbidden = Base + "forbidden";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string Conflict = Base + "conflict";
    public const string PreconditionFailed = Base + "precondition-failed";
    public const string Internal = Base + "internal";

    public static string ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        412 => PreconditionFailed,
        413 => RequestTooLarge,
        415 => UnsupportedMediaType,
        422 => Validation,
        _ => Internal,
    };
}
