namespace Platform.Contracts;

/// <summary>
/// An agent read part of a recipient's file: who, what and through which route, recorded before the answer left the
/// service. The audit log chains it like every event, and the person reads the list of who consulted their file
/// (GDPR art. 15). Every service publishes it for its own routes.
/// </summary>
/// <param name="AgentId">The agent's subject id.</param>
/// <param name="Role">The agent's role (counsellor, supervisor, auditor).</param>
/// <param name="Service">The service read (declarations, review, allocations...).</param>
/// <param name="Route">The route read, as the API names it (<c>GET /api/review/cases/{caseId}</c>): what and why.</param>
public sealed record FileConsulted(string RecipientId, string AgentId, string Role, string Service, string Route) : PlatformEvent;
