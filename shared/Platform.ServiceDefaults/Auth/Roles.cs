namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// The roles of the JWT <c>role</c> claim. A recipient's <c>sub</c> is their recipient id. <see cref="Payer"/> is the
/// paying body (CAF or MSA) as a machine client: it alone states allocation amounts and household facts.
/// </summary>
public static class Roles
{
    public const string Recipient = "recipient";
    public const string Counsellor = "counsellor";
    public const string Supervisor = "supervisor";
    public const string Auditor = "auditor";
    public const string Payer = "payer";

    /// <summary>The roles of people, who sign in through the web pages; the payer calls the API only.</summary>
    public static readonly IReadOnlyList<string> All = [Recipient, Counsellor, Supervisor, Auditor];
}
