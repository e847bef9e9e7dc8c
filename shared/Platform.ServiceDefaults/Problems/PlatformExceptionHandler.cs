using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.ServiceDefaults.Resilience;

namespace Platform.ServiceDefaults.Problems;

/// <summary>
/// Turns what escapes an endpoint into problem details: a body the client got wrong is a 4xx the person can fix,
/// a unique violation is a 409, anything else a 500 that says nothing of the internals.
/// </summary>
internal sealed class PlatformExceptionHandler(IProblemDetailsService problemDetails, ILogger<PlatformExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // This handler runs outside the localization middleware: the request's language is read back from its feature.
        if (httpContext.Features.Get<IRequestCultureFeature>() is { } culture)
        {
            CultureInfo.CurrentUICulture = culture.RequestCulture.UICulture;
        }

        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => RequestSizeLimit.TooLarge(),
            BadHttpRequestException bad when QueryBinding.Failed(httpContext.Request, bad) is { } parameter => QueryBinding.Problem(parameter),
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Type = ProblemTypes.ForStatus(bad.StatusCode),
                Title = Localized.Text("Demande illisible", "Malformed request"),
                Detail = Describe(bad),
            },
            PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Type = ProblemTypes.Conflict,
                Title = Localized.Text("Conflit", "Conflict"),
                Detail = Localized.Text(
                    "Une demande concurrente a déjà créé cette ressource. Relisez-la avant de réessayer.",
                    "A concurrent request already created this resource. Read it before trying again."),
            },
            PostgresException { SqlState: [ '2', '2', ..] } => new ProblemDetails
            {
                // Data exceptions (class 22): a value PostgreSQL cannot store, such as a NUL character in a text or a
                // number out of its column's range, that validation let through. The person can fix it; it is no fault.
                Status = StatusCodes.Status422UnprocessableEntity,
                Type = ProblemTypes.Validation,
                Title = Localized.Text("La demande contient des erreurs.", "The request has errors."),
                Detail = Localized.Text(
                    "Une valeur envoyée ne peut pas être enregistrée (caractère de contrôle ou nombre hors limites).",
                    "A value sent cannot be stored (a control character or a number out of range)."),
            },
            _ when Unavailable.IsDependencyDown(exception) => Unavailable.Problem(httpContext),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Endpoint}", httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = ProblemTypes.Internal,
                Title = Localized.Text("Erreur interne", "Internal error"),
                Detail = Localized.Text(
                    "Le service n'a pas pu traiter la demande ; rien n'a été enregistré. Réessayez plus tard.",
                    "The service could not process the request; nothing was recorded. Try again later."),
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static string Describe(BadHttpRequestException exception) => exception.InnerException switch
    {
        JsonException { Path: { } path } json => Localized.Text(
            $"Le JSON envoyé est invalide près de « {path} » (ligne {json.LineNumber + 1}).",
            $"The JSON sent is invalid near '{path}' (line {json.LineNumber + 1})."),
        JsonException => Localized.Text("Le JSON envoyé est invalide.", "The JSON sent is invalid."),
        _ => Localized.Text(
            "La demande est incomplète ou mal formée (corps JSON attendu, paramètres de l'adresse).",
            "The request is incomplete or malformed (a JSON body is expected, check the address parameters)."),
    };
}
