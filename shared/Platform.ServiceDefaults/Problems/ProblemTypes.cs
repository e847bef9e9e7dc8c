using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Departements;

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

    /// <summary>An agent's token names no département: the agent acts for nobody (claim <c>departements</c>).</summary>
    public const string DepartementsMissing = Base + "departements-missing";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string Conflict = Base + "conflict";
    public const string PreconditionFailed = Base + "precondition-failed";
    public const string Internal = Base + "internal";
    public const string RateLimited = Base + "rate-limited";
    public const string Unavailable = Base + "unavailable";

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
        429 => RateLimited,
        503 => Unavailable,
        _ => Internal,
    };

    /// <summary>
    /// Gives the framework's own answers (401 from authentication, 403 from a role check, 404, 405...) a stable type and
    /// a French or English explanation, like every answer the services write themselves.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (problem.Type is not null && !problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
        {
            return;
        }

        if (status == 403 && context.HttpContext.User.LacksDepartements())
        {
            problem.Type = DepartementsMissing;
            problem.Title = Localized.Text("Aucun département", "No département");
            problem.Detail = Localized.Text(
                "Votre jeton d'agent ne porte aucun département (revendication « departements ») : vous ne pouvez agir sur aucun dossier. Demandez à votre administrateur de vous rattacher à vos départements.",
                "Your agent token names no département (claim \"departements\"): you may act on no file. Ask your administrator to attach you to your départements.");
            return;
        }

        problem.Type = ForStatus(status);
        (problem.Title, problem.Detail) = status switch
        {
            401 => (Localized.Text("Authentification requise", "Authentication required"), Localized.Text(
                "Un jeton d'accès valide est requis (en-tête Authorization: Bearer).",
                "A valid access token is required (Authorization: Bearer header).")),
            403 => (Localized.Text("Accès refusé", "Access denied"), Localized.Text(
                "Votre rôle ne permet pas cette action.", "Your role does not allow this action.")),
            404 => (Localized.Text("Introuvable", "Not found"), problem.Detail ?? Localized.Text(
                "Cette adresse ne correspond à aucune ressource.", "This address matches no resource.")),
            405 => (Localized.Text("Méthode non permise", "Method not allowed"), problem.Detail),
            _ => (problem.Title, problem.Detail),
        };
    }
}
