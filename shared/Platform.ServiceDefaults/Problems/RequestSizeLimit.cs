using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Platform.ServiceDefaults.Problems;

/// <summary>
/// Refuses a declared body over <see cref="PlatformDefaults.MaxRequestBodyBytes"/> before anything reads it, with
/// a problem a person can understand. Kestrel's own limit (set too) also stops chunked bodies that grow past it.
/// </summary>
internal sealed class RequestSizeLimit(RequestDelegate next, IProblemDetailsService problemDetails)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > PlatformDefaults.MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = TooLarge(),
            });
            return;
        }

        await next(context);
    }

    public static ProblemDetails TooLarge() => new()
    {
        Status = StatusCodes.Status413PayloadTooLarge,
        Type = ProblemTypes.RequestTooLarge,
        Title = Localized.Text("Demande trop volumineuse", "Request too large"),
        Detail = Localized.Text("Le corps de la demande dépasse 64 Kio.", "The request body is over 64 KiB."),
    };
}
