using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Allocations;
using Platform.Contracts.Declarations;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Rules;
using Platform.Rules.Catalogue;

namespace Platform.IntegrationTests.Audit;

/// <summary>
/// Verification over a log filled through the real broker, then damaged behind the database's back, or fed event
/// sequences that break each invariant. Each test uses its own producer names, so each finds its own violations.
/// </summary>
public sealed class AuditVerificationTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private static readonly DateTimeOffset NotifiedAt = AuditFixture.Now.AddDays(-40);
    private static readonly DateTimeOffset AnswerBy = NotifiedAt.AddDays(30);

    private async Task<List<(long Position, string Kind, string Reason)>> VerifyAsync()
    {
        var report = await fixture.Audit.ClientFor("auditor", "auditor-1").GetFromJsonAsync<JsonElement>("/api/audit/verification");
        return report.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("position").GetInt64(), v.GetProperty("kind").GetString()!, v.GetProperty("reason").GetString()!))
            .ToList();
    }

    /// <summary>Publishes events numbered 1, 2, … for a fresh producer and returns each one's log position.</summary>
    private async Task<List<long>> PublishAsync(string producer, params PlatformEvent[] messages) =>
        await PublishNumberedAsync(producer, messages.Select((message, index) => (message, (long)index + 1)).ToArray());

    private async Task<List<long>> PublishNumberedAsync(string producer, params (PlatformEvent Message, long Sequence)[] messages)
    {
        var stamped = messages.Select(m => m.Message with
        {
            EventId = Guid.NewGuid(), Producer = producer, ProducerSequence = m.Sequence, OccurredAt = AuditFixture.Now,
        }).ToList();
        foreach (var message in stamped)
        {
            await fixture.PublishAsync(message);
        }

        var ids = stamped.Select(message => message.EventId).ToArray();
        await fixture.WaitForEntriesAsync(ids);
        var positions = await fixture.QueryAsync<(Guid, long)>("SELECT message_id, position FROM audit_log WHERE message_id = ANY(@ids)", new { ids });
        return ids.Select(id => positions.Single(p => p.Item1 == id).Item2).ToList();
    }

    private static string Producer(string name) => $"{name}-{Guid.NewGuid():N}"[..20];

    private static EngagementSet Engagement() => new($"r-{Guid.NewGuid():N}"[..18], 15m, "2026-W45", "agent-1");

    [Fact]
    public async Task RowAlteredBehindTheDatabasesBack_IsReportedAtItsExactPosition()
    {
        var positions = await PublishAsync(Producer("altered"), Engagement(), Engagement(), Engagement());

        await fixture.TamperAsync(
            "UPDATE audit_log SET body = convert_to('{\"hoursPerWeek\":\"35\"}', 'UTF8') WHERE position = @position", new { position = positions[1] });
        var violations = await VerifyAsync();

        Assert.Contains(violations, v => v.Position == positions[1] && v.Kind == "altered-entry");
        Assert.DoesNotContain(violations, v => v.Position == positions[0] || v.Position == positions[2]);
    }

    [Fact]
    public async Task RowDeletedBehindTheDatabasesBack_IsReportedAtItsExactPosition()
    {
        var producer = Producer("deleted");
        var positions = await PublishAsync(producer, Engagement(), Engagement(), Engagement());

        await fixture.TamperAsync("DELETE FROM audit_log WHERE position = @position", new { position = positions[1] });
        var violations = await VerifyAsync();

        Assert.Contains(violations, v => v.Position == positions[1] && v.Kind == "missing-entry");
        // The deleted event's number is now missing from its producer's sequence as well.
        Assert.Contains(violations, v => v.Kind == "sequence-gap" && v.Reason.Contains(producer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingProducerSequenceNumber_IsReportedAsAGap()
    {
        var producer = Producer("gappy");

        var positions = await PublishNumberedAsync(producer, (Engagement(), 1), (Engagement(), 2), (Engagement(), 4));
        var violations = await VerifyAsync();

        var gap = Assert.Single(violations, v => v.Reason.Contains(producer, StringComparison.Ordinal));
        Assert.Equal((positions[2], "sequence-gap"), (gap.Position, gap.Kind));
        Assert.Contains("3", gap.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CraftedSequences_BreakingEachInvariant_AreEachReportedAtTheAdjustment()
    {
        var review = Producer("review");
        var allocations = Producer("allocations");
        var lawful = Decision("counsellor-1", "supervisor-2", AnswerBy.AddHours(1));
        var selfApproved = Decision("counsellor-1", "counsellor-1", AnswerBy.AddHours(1));
        var tooEarly = Decision("counsellor-1", "supervisor-2", AnswerBy.AddDays(-1));
        var unnotified = Decision("counsellor-1", "supervisor-2", AnswerBy.AddHours(1), notificationId: Guid.NewGuid());
        var forged = Decision("counsellor-1", "supervisor-2", AnswerBy.AddHours(1)) with { Percent = 100 };
        var neverDecided = Decision("counsellor-1", "supervisor-2", AnswerBy.AddHours(1));

        await PublishAsync(review, Notification(lawful), Notification(selfApproved), Notification(tooEarly), Notification(forged),
            lawful, selfApproved, tooEarly, unnotified, forged);
        var positions = await PublishAsync(allocations,
            Adjustment(lawful), Adjustment(selfApproved), Adjustment(tooEarly), Adjustment(unnotified), Adjustment(forged), Adjustment(neverDecided));
        var violations = await VerifyAsync();

        Assert.DoesNotContain(violations, v => v.Position == positions[0]);
        Assert.Contains(violations, v => v.Position == positions[1] && v.Kind == "self-approval");
        Assert.Contains(violations, v => v.Position == positions[2] && v.Kind == "window-not-respected");
        Assert.Contains(violations, v => v.Position == positions[3] && v.Kind == "no-notification");
        Assert.Contains(violations, v => v.Position == positions[4] && v.Kind == "bad-signature");
        Assert.Contains(violations, v => v.Position == positions[5] && v.Kind == "adjustment-without-decision");
    }

    [Fact]
    public async Task FlagThatItsRuleDoesNotRaiseOnTheRecordedFacts_IsReported()
    {
        var positions = await PublishAsync(Producer("rules"), Flag(declaredHours: 5m), Flag(declaredHours: 20m));
        var violations = await VerifyAsync();

        Assert.DoesNotContain(violations, v => v.Position == positions[0]);
        Assert.Contains(violations, v => v.Position == positions[1] && v.Kind == "flag-not-reproducible");
    }

    private static FlagRaised Flag(decimal declaredHours)
    {
        var input = new RuleInput("2026-W47", 15m, true, [new RuleActivity("job-search", new DateOnly(2026, 11, 17), declaredHours)], []);
        var parameters = new Dictionary<string, decimal> { [WeeklyHoursBelowEngagement.ToleranceHours] = 0m };
        return new FlagRaised(
            Guid.NewGuid(), "r-flagged", "2026-W47", WeeklyHoursBelowEngagement.Id, 1, RuleJson.ToFacts(input), parameters,
            WeeklyHoursBelowEngagement.V1.Explain(input, parameters), false);
    }

    private SanctionDecided Decision(string proposedBy, string approvedBy, DateTimeOffset decidedAt, Guid? notificationId = null)
    {
        var decision = new SanctionDecided(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "r-sanctioned", RepeatedShortfall.Id, 30, 1, "2027-01", false,
            proposedBy, approvedBy, notificationId ?? Guid.NewGuid(), NotifiedAt, AnswerBy, null, decidedAt, AuditFixture.DecisionKeyId, "");
        var signature = fixture.DecisionKey.SignData(
            SanctionDecisionSignature.Payload(decision), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return decision with { Signature = Convert.ToBase64String(signature) };
    }

    private static RecipientNotified Notification(SanctionDecided decision) =>
        new(decision.NotificationId, decision.ProposalId, decision.CaseId, decision.FlagId, decision.RecipientId, decision.Percent, decision.Months,
            decision.StartMonth, NotifiedAt, AnswerBy);

    private static AllocationAdjusted Adjustment(SanctionDecided decision) =>
        new(Guid.NewGuid(), decision.DecisionId, decision.RecipientId, decision.Percent, decision.Months, decision.StartMonth, 193.96m, decision.KeyId);
}
