namespace Platform.Review.Letters;

/// <summary>
/// Who decides and where the letters point (section <c>Letters</c>): the département whose président this service
/// decides for, the public rule catalogue, and the delegations to record at start (development and tests; in
/// production a supervisor records them through the API as the arrêtés are signed).
/// </summary>
public sealed class LetterOptions
{
    public const string Section = "Letters";

    /// <summary>The département's code (75, 2A, 971…): decisions are taken in the name of its président.</summary>
    public string Departement { get; set; } = "75";

    /// <summary>The département's name as a letter prints it ("Paris").</summary>
    public string DepartementName { get; set; } = "Paris";

    /// <summary>The public catalogue of the rules, with each version's legal basis (the rules service's <c>/api/rules</c>).</summary>
    public string RuleCatalogueUrl { get; set; } = "http://127.0.0.1:5102/api/rules";

    /// <summary>Delegations recorded at start when missing (same agent, département and reference: recorded once).</summary>
    public IList<SeededDelegation> Delegations { get; } = [];

    public static bool IsValid(LetterOptions options) =>
        System.Text.RegularExpressions.Regex.IsMatch(options.Departement, "^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")
        && !string.IsNullOrWhiteSpace(options.DepartementName)
        && Uri.TryCreate(options.RuleCatalogueUrl, UriKind.Absolute, out _)
        && options.Delegations.All(delegation => delegation.IsComplete);
}

/// <summary>A delegation given in configuration: <c>Letters:Delegations:0:Agent</c>, <c>…:Name</c>, <c>…:Role</c>, <c>…:Reference</c>, <c>…:From</c>, <c>…:Until</c>.</summary>
public sealed class SeededDelegation
{
    public string Agent { get; set; } = "";

    public string Name { get; set; } = "";

    public string Role { get; set; } = "";

    /// <summary>The département; the service's own when empty.</summary>
    public string Departement { get; set; } = "";

    public string Reference { get; set; } = "";

    public DateOnly From { get; set; }

    public DateOnly? Until { get; set; }

    public bool IsComplete =>
        !string.IsNullOrWhiteSpace(Agent) && !string.IsNullOrWhiteSpace(Name) && !string.IsNullOrWhiteSpace(Role) && !string.IsNullOrWhiteSpace(Reference)
        && From != default && (Until is null || Until >= From);
}
