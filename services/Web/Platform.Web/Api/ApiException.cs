namespace Platform.Web.Api;

/// <summary>
/// What the generated clients throw for any answer other than a documented success: the status, the headers and the
/// body as text (the clients read bodies as text, so a problem document is always here to map). One type for the
/// five clients, so <see cref="PlatformApi"/> maps every failure the same way.
/// </summary>
public class ApiException(string message, int statusCode, string? response, IReadOnlyDictionary<string, IEnumerable<string>> headers, Exception? innerException)
    : Exception(message, innerException)
{
    public int StatusCode { get; } = statusCode;

    public string? Response { get; } = response;

    public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; } = headers;
}

/// <summary>A documented failure, with its body as the client read it (a problem document for every 4xx the services describe).</summary>
public sealed class ApiException<TResult>(
    string message, int statusCode, string? response, IReadOnlyDictionary<string, IEnumerable<string>> headers, TResult result, Exception? innerException)
    : ApiException(message, statusCode, response, headers, innerException)
{
    public TResult Result { get; } = result;
}
