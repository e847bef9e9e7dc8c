namespace Platform.Review.Domain;

/// <summary>
/// A delegation of signature: the président du conseil départemental of <see cref="Departement"/> lets
/// <see cref="AgentId"/> decide in their name, by the act <see cref="Reference"/> (e.g. « arrêté n° 2026-117 du 3 mars
/// 2026 »), from <see cref="ValidFrom"/> to <see cref="ValidUntil"/> included (open-ended when null). A decision letter
/// names it (CRPA L212-1: the author's name and role).
/// </summary>
public sealed record Delegation(
    Guid DelegationId,
    string AgentId,
    string AgentName,
    string AgentRole,
    string Departement,
    string Reference,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    string RecordedBy,
    DateTimeOffset RecordedAt)
{
    /// <summary>Whether the delegation is in force on <paramref name="day"/> (the decision's day, in Paris).</summary>
    public bool InForceOn(DateOnly day) => ValidFrom <= day && (ValidUntil is null || day <= ValidUntil);

    /// <summary>The delegation that lets <paramref name="agentId"/> decide on <paramref name="day"/>: the latest one in force; null if none.</summary>
    public static Delegation? InForce(IEnumerable<Delegation> delegations, string agentId, string departement, DateOnly day) =>
        delegations
            .Where(delegation => delegation.AgentId == agentId && delegation.Departement == departement && delegation.InForceOn(day))
            .OrderByDescending(delegation => delegation.ValidFrom)
            .ThenByDescending(delegation => delegation.RecordedAt)
            .FirstOrDefault();
}
