using Platform.Contracts;

namespace Platform.Review.Domain;

/// <summary>One line of a case's history: what happened, when, and who did it (a person, or a system actor).</summary>
public sealed record HistoryStep(Guid CaseId, DateTimeOffset At, string Action, string Actor, string? Detail);

/// <summary>What the recipient answered to a flag; <paramref name="NothingToAdd"/> when they also said they had nothing to add.</summary>
public sealed record Observation(Guid ObservationId, Guid FlagId, string RecipientId, string Text, DateTimeOffset ReceivedAt, bool NothingToAdd = false);

/// <summary>
/// The result of one allowed transition: the case as it now stands, the proposal it created or changed, the
/// observation it recorded, the history lines to append and the events to publish — all saved in one transaction.
/// </summary>
public sealed record ReviewChange(Case Case)
{
    public Proposal? Proposal { get; init; }

    public Observation? Observation { get; init; }

    public IReadOnlyList<HistoryStep> History { get; init; } = [];

    public IReadOnlyList<PlatformEvent> Events { get; init; } = [];

    /// <summary>True when the transition was already done (claiming one's own case again): nothing to save.</summary>
    public bool Unchanged { get; init; }
}
