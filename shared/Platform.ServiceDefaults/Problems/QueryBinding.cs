using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Platform.ServiceDefaults.Problems;

/// <summary>
/// A query-string value the endpoint's parameter type cannot hold (<c>?pageSize=abc</c>, <c>?page=1.5</c>,
/// <c>?page=99999999999999999999</c>) is a value the person can correct, like one out of range: a 422 validation problem
/// naming the parameter, not the 400 ASP.NET Core's binding answers. Only query parameters: a malformed body stays a 400.
/// </summary>
internal static partial class QueryBinding
{
    /// <summary>The parameter as the query string names it, when <paramref name="exception"/> is the failure to bind it; otherwise null.</summary>
    public static (string Name, string Type)? Failed(HttpRequest request, BadHttpRequestException exception)
    {
        if (BindingFailure().Match(exception.Message) is not { Success: true } match)
        {
            return null;
        }

        var parameter = match.Groups["name"].Value;
        var key = request.Query.Keys.FirstOrDefault(key => string.Equals(key, parameter, StringComparison.OrdinalIgnoreCase));
        return key is null ? null : (key, match.Groups["type"].Value);
    }

    public static ProblemDetails Problem((string Name, string Type) parameter)
    {
        var (french, english) = Expected(parameter.Type);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [parameter.Name] = [Localized.Text($"« {parameter.Name} » : {french}.", $"'{parameter.Name}': {english}.")],
        })
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Type = ProblemTypes.Validation,
            Title = Localized.Text("La demande contient des erreurs.", "The request has errors."),
            Detail = Localized.Text(
                "Corrigez les paramètres indiqués puis renvoyez la demande.",
                "Correct the parameters listed and send the request again."),
        };
    }

    private static (string French, string English) Expected(string type) => type.TrimEnd('?') switch
    {
        "int" or "Int32" or "Nullable<int>" => ("un nombre entier de -2147483648 à 2147483647 est attendu", "a whole number from -2147483648 to 2147483647 is expected"),
        "long" or "Int64" or "Nullable<long>" => ("un nombre entier sur 64 bits est attendu", "a 64-bit whole number is expected"),
        "bool" or "Boolean" or "Nullable<bool>" => ("true ou false est attendu", "true or false is expected"),
        "Guid" or "Nullable<Guid>" => ("un identifiant (UUID) est attendu", "an identifier (UUID) is expected"),
        _ => ("la valeur n'a pas la forme attendue", "the value does not have the expected form"),
    };

    /// <summary>ASP.NET Core's message when a parameter's text cannot be parsed to its type (with ThrowOnBadRequest).</summary>
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from "[^\n]*"\.$""", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BindingFailure();
}
