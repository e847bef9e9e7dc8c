using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults.Problems;

namespace Platform.ServiceDefaults.Departements;

/// <summary>The answers about départements a client can switch on (RFC 9457 <c>type</c>s).</summary>
public static class DepartementProblems
{
    /// <summary>The recipient already belongs to another département: a move is a transfer.</summary>
    public const string HeldByAnotherDepartement = ProblemTypes.Base + "recipient-in-another-departement";

    /// <summary>The agent does not work for the département they named.</summary>
    public const string NotYourDepartement = ProblemTypes.Base + "departement-not-yours";

    /// <summary>A transfer to the département the recipient already belongs to.</summary>
    public const string SameDepartement = ProblemTypes.Base + "same-departement";

    public static ProblemHttpResult NotYours(string? departement) => Problems.Problems.Create(
        StatusCodes.Status403Forbidden,
        NotYourDepartement,
        Localized.Text("Département d'un autre service", "Another département's file"),
        departement is null
            ? Localized.Text(
                "Vous travaillez pour plusieurs départements : indiquez celui de l'allocataire (« departement »).",
                "You work for several départements: name the recipient's (\"departement\").")
            : Localized.Text(
                $"Votre jeton ne vous rattache pas au département {departement} : seuls ses agents peuvent agir pour lui.",
                $"Your token does not attach you to département {departement}: only its agents may act for it."));
}
