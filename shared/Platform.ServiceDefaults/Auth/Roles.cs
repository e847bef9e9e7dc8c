namespace Platform.ServiceDefaults.Auth;

/// <summary>The four roles of the JWT <c>role</c> claim. A recipient's <c>sub</c> is their recipient id.</summary>
public static class Roles
{
    public const string Recipient = "recipient";
    public const string Counsellor = "counsellor";
    public const string Supervisor = "supervisor";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Recipient, Counsellor, Supervisor, Auditor];
}
