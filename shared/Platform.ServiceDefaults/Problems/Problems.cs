using FluentValidation.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.ServiceDefaults.Problems;

/// <summary>RFC 9457 answers with a stable type and a message a person can act on, in French or English.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string type, string title, string? detail = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type);

    public static ProblemHttpResult Validation(ValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var errors = result.Errors
            .GroupBy(error => CamelCasePath(error.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(error => error.ErrorMessage).Distinct().ToArray());
        return Validation(errors);
    }

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Type = ProblemTypes.Validation,
            Title = Localized.Text("La demande contient des erreurs.", "The request has errors."),
            Detail = Localized.Text(
                "Corrigez les champs indiqués puis renvoyez la demande.",
                "Correct the fields listed and send the request again."),
        });

    public static ProblemHttpResult Forbidden() => Create(
        StatusCodes.Status403Forbidden,
        ProblemTypes.Forbidden,
        Localized.Text("Accès refusé", "Access denied"),
        Localized.Text(
            "Votre rôle ne permet pas cette action, ou ces données ne sont pas les vôtres.",
            "Your role does not allow this action, or this data is not yours."));

    public static ProblemHttpResult NotFound(string french, string english) => Create(
        StatusCodes.Status404NotFound, ProblemTypes.NotFound, Localized.Text("Introuvable", "Not found"), Localized.Text(french, english));

    public static ProblemHttpResult Conflict(string type, string french, string english) => Create(
        StatusCodes.Status409Conflict, type, Localized.Text("Conflit", "Conflict"), Localized.Text(french, english));

    public static ProblemHttpResult PreconditionFailed() => Create(
        StatusCodes.Status412PreconditionFailed,
        ProblemTypes.PreconditionFailed,
        Localized.Text("Version périmée", "Stale version"),
        Localized.Text(
            "La ressource a changé depuis votre lecture (If-Match). Relisez-la puis renvoyez la demande.",
            "The resource changed since you read it (If-Match). Read it again, then resend the request."));

    /// <summary><c>Activities[0].Date</c> becomes <c>activities[0].date</c>, as the JSON the client sent.</summary>
    private static string CamelCasePath(string path) =>
        string.Join('.', path.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
}
