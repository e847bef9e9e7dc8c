namespace Platform.Contracts;

/// <summary>
/// What every event carries so the audit log can prove completeness: who produced it, its place in that
/// producer's gap-free sequence, when it happened and whom it is about. The audit service subscribes to this
/// interface once and so captures every present and future contract without new code.
/// </summary>
public interface IPlatformEvent
{
    Guid EventId { get; }

    string Producer { get; }

    long ProducerSequence { get; }

    DateTimeOffset OccurredAt { get; }

    string RecipientId { get; }

    /// <summary>
    /// The INSEE code of the département the recipient belonged to when the event happened, as the producer knew it;
    /// null while the recipient is placed in none (or the producer has not learnt it yet).
    /// </summary>
    string? Departement { get; }
}

/// <summary>
/// Base of every published event. The envelope fields are stamped by the producer's outbox when the event is
/// written, in the same transaction as the state change it reports, except <see cref="ProducerSequence"/>, which the
/// outbox gives once that transaction has committed; a contract only declares its business fields.
/// </summary>
public abstract record PlatformEvent : IPlatformEvent
{
    public Guid EventId { get; init; }

    public string Producer { get; init; } = "";

    public long ProducerSequence { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public abstract string RecipientId { get; init; }

    /// <summary>Stamped by the producer's outbox from its copy of the recipient's placement (see <see cref="IPlatformEvent.Departement"/>).</summary>
    public string? Departement { get; init; }
}
