using System.Security.Cryptography;
using System.Text.Json;
using Platform.Audit.Log;
using Platform.Contracts;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Rules;
using Platform.Rules.Catalogue;

namespace Platform.Audit.Tests;

/// <summary>Builds a correctly chained log from contract events, as the service would have appended them.</summary>
internal sealed class LogBuilder
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, long> sequences = new(StringComparer.Ordinal);
    private byte[] hash = EntryHash.Genesis;

    public List<LogEntry> Entries { get; } = [];

    public LogEntry Add(PlatformEvent message, string producer, long? sequence = null, DateTimeOffset? occurredAt = null)
    {
        var number = sequence ?? (sequences.GetValueOrDefault(producer) + 1);
        sequences[producer] = Math.Max(number, sequences.GetValueOrDefault(producer));
        var at = occurredAt ?? Start.AddMinutes(Entries.Count);
        message = message with { EventId = Guid.NewGuid(), Producer = producer, ProducerSequence = number, OccurredAt = at };
        var captured = new CapturedEvent(
            message.EventId, EventTypes.Urn(message.GetType()), producer, number, at, at.AddMilliseconds(5), message.RecipientId,
            JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), EventTypes.Json));
        var entry = captured.Chain(Entries.Count + 1, hash);
        hash = entry.EntryHash;
        Entries.Add(entry);
        return entry;
    }

    public VerificationReport Verify(DecisionKeys keys) => Verify(Entries, keys, Entries.Count);

    public static VerificationReport Verify(IEnumerable<LogEntry> entries, DecisionKeys keys, long head)
    {
        using var verifier = new LogVerifier(keys, FlagReplay.Reproduce);
        foreach (var entry in entries)
        {
            verifier.Add(entry);
        }

        return verifier.Complete(head);
    }
}

/// <summary>A review-service signing key and a lawful decision sequence to break one invariant at a time.</summary>
internal sealed class SanctionScenario : IDisposable
{
    public const string KeyId = "review-2026";
    public const string Recipient = "r-sanctioned";

    public static readonly Guid FlagId = Guid.NewGuid();
    public static readonly Guid CaseId = Guid.NewGuid();
    public static readonly Guid ProposalId = Guid.NewGuid();
    public static readonly Guid NotificationId = Guid.NewGuid();

    private readonly ECDsa signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SanctionScenario() => Keys = new DecisionKeys([KeyValuePair.Create(KeyId, (string?)signer.ExportSubjectPublicKeyInfoPem())]);

    public DecisionKeys Keys { get; }

    public static DateTimeOffset NotifiedAt => LogBuilder.Start.AddDays(1);

    public static DateTimeOffset AnswerBy => NotifiedAt.AddDays(30);

    public static RecipientNotified Notification(Guid? proposalId = null) =>
        new(NotificationId, proposalId ?? ProposalId, CaseId, FlagId, Recipient, 30, 1, "2027-02", NotifiedAt, AnswerBy);

    public SanctionDecided Decision(
        string proposedBy = "counsellor-1", string approvedBy = "supervisor-2", DateTimeOffset? decidedAt = null,
        DateTimeOffset? observationReceivedAt = null, string keyId = KeyId, Guid? notificationId = null)
    {
        var decision = new SanctionDecided(
            Guid.NewGuid(), ProposalId, CaseId, FlagId, Recipient, RepeatedShortfall.Id, 30, 1, "2027-02", false, proposedBy, approvedBy,
            notificationId ?? NotificationId, NotifiedAt, AnswerBy, observationReceivedAt, decidedAt ?? AnswerBy.AddHours(1), keyId, "");
        return decision with { Signature = Sign(decision) };
    }

    public string Sign(SanctionDecided decision) =>
        Convert.ToBase64String(signer.SignData(
            SanctionDecisionSignature.Payload(decision), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public string Sign(AppealDecided decision) =>
        Convert.ToBase64String(signer.SignData(
            AppealDecidedSignature.Payload(decision), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    /// <summary>The appeal decision on <paramref name="decision"/>, signed with the scenario's key.</summary>
    public AppealDecided AppealDecision(
        SanctionDecided decision, Guid appealId, string outcome = AppealOutcome.Annulled, string decidedBy = "instructor-3", string keyId = KeyId)
    {
        var (percent, months) = outcome switch
        {
            AppealOutcome.Annulled => (0, 0),
            AppealOutcome.Reduced => (decision.Percent / 2, decision.Months),
            _ => (decision.Percent, decision.Months),
        };
        var appeal = new AppealDecided(
            Guid.NewGuid(), appealId, decision.DecisionId, decision.RecipientId, outcome, percent, months, decidedBy, decision.DecidedAt.AddDays(20), keyId, "");
        return appeal with { Signature = Sign(appeal) };
    }

    public static AppealFiled Appeal(SanctionDecided decision, string filedOn = "2027-01-10") =>
        new(Guid.NewGuid(), decision.DecisionId, decision.RecipientId, decision.RecipientId, "online", filedOn, false,
            DateOnly.Parse(filedOn, System.Globalization.CultureInfo.InvariantCulture).AddMonths(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    public static AppealRepaid Repayment(AppealDecided appeal) =>
        new(Guid.NewGuid(), appeal.DecisionId, appeal.AppealId, appeal.SanctionDecisionId, appeal.RecipientId, appeal.Outcome, appeal.Percent, appeal.Months,
            "2027-02", 193.96m, appeal.KeyId);

    public static AllocationAdjusted Adjustment(SanctionDecided decision) =>
        new(Guid.NewGuid(), decision.DecisionId, decision.RecipientId, decision.Percent, decision.Months, decision.StartMonth, 193.96m, decision.KeyId);

    /// <summary>A weekly-hours flag whose facts say <paramref name="declaredHours"/> against a 15-hour engagement.</summary>
    public static FlagRaised Flag(decimal declaredHours, int ruleVersion = 1, string recipient = Recipient)
    {
        var input = new RuleInput("2026-W48", 15m, true, [new RuleActivity("job-search", new DateOnly(2026, 11, 23), declaredHours)], []);
        var parameters = new Dictionary<string, decimal> { [WeeklyHoursBelowEngagement.ToleranceHours] = 0m };
        return new FlagRaised(
            Guid.NewGuid(), recipient, "2026-W48", WeeklyHoursBelowEngagement.Id, ruleVersion, RuleJson.ToFacts(input), parameters,
            new Explanation("fr", "en"), false);
    }

    public void Dispose()
    {
        signer.Dispose();
        Keys.Dispose();
    }
}
