using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;

namespace Platform.IntegrationTests.Audit;

/// <summary>
/// Prior appeals (RAPO) as the audit service sees them through the real broker: the figures per rule and month, what
/// verification proves about each appeal, and the replay of a recipient's appeals. Each test uses its own rule ids,
/// recipients and producers, so each reads its own figures and violations from the class's log.
/// </summary>
public sealed class AuditAppealTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    /// <summary>26 November 2026, 10:00 in Paris.</summary>
    private static readonly DateTimeOffset November = AuditFixture.Now;

    /// <summary>6 December 2026, 10:00 in Paris.</summary>
    private static readonly DateTimeOffset December = AuditFixture.Now.AddDays(10);

    private readonly Dictionary<string, long> sequences = [];

    private HttpClient Auditor => fixture.Audit.ClientFor("auditor", "auditor-1");

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];

    /// <summary>Publishes the events in order as <paramref name="producer"/>, each occurring at its instant; waits for the log to hold them; returns their positions.</summary>
    private async Task<List<long>> PublishAsync(string producer, params (PlatformEvent Message, DateTimeOffset At)[] messages)
    {
        var stamped = messages.Select(m =>
        {
            var sequence = sequences[producer] = sequences.GetValueOrDefault(producer) + 1;
            return m.Message with { EventId = Guid.NewGuid(), Producer = producer, ProducerSequence = sequence, OccurredAt = m.At };
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

    private SanctionDecided Decision(string ruleId, string recipientId, DateTimeOffset decidedAt)
    {
        var decision = new SanctionDecided(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), recipientId, ruleId, 30, 2, "2027-01", false,
            "counsellor-1", "supervisor-2", Guid.NewGuid(), decidedAt.AddDays(-40), decidedAt.AddDays(-10), null, decidedAt, AuditFixture.DecisionKeyId, "");
        var signature = fixture.DecisionKey.SignData(
            SanctionDecisionSignature.Payload(decision), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return decision with { Signature = Convert.ToBase64String(signature) };
    }

    private static AppealFiled Appeal(SanctionDecided decision, DateTimeOffset filedAt) =>
        new(Guid.NewGuid(), decision.DecisionId, decision.RecipientId, decision.RecipientId, "online", filedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), false,
            filedAt.AddMonths(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private AppealDecided Outcome(SanctionDecided decision, AppealFiled appeal, string outcome, string decidedBy = "instructor-3")
    {
        var (percent, months) = outcome switch
        {
            AppealOutcome.Annulled => (0, 0),
            AppealOutcome.Reduced => (10, 1),
            _ => (decision.Percent, decision.Months),
        };
        var decided = new AppealDecided(
            Guid.NewGuid(), appeal.AppealId, decision.DecisionId, decision.RecipientId, outcome, percent, months, decidedBy, decision.DecidedAt.AddDays(30),
            AuditFixture.DecisionKeyId, "");
        var signature = fixture.DecisionKey.SignData(
            AppealDecidedSignature.Payload(decided), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return decided with { Signature = Convert.ToBase64String(signature) };
    }

    private static AppealRepaid Repayment(AppealDecided decided) =>
        new(Guid.NewGuid(), decided.DecisionId, decided.AppealId, decided.SanctionDecisionId, decided.RecipientId, decided.Outcome, decided.Percent,
            decided.Months, "2027-01", 387.92m, decided.KeyId);

    [Fact]
    public async Task AppealStatistics_CountEachRulesAppealsPerMonthOfTheDecision_AndTheShareAnnulled()
    {
        var review = Unique("review");
        var often = Unique("rule-often-annulled");
        var seldom = Unique("rule-seldom");
        var recipient = Unique("r-appealing");
        // The first rule: four sanctions in November, three appealed, two annulled and one confirmed.
        var o = Enumerable.Range(0, 4).Select(_ => Decision(often, recipient, November)).ToArray();
        // The second: one sanction in November still under appeal; two in December, one reduced, one implicitly rejected.
        var s = new[] { Decision(seldom, recipient, November), Decision(seldom, recipient, December), Decision(seldom, recipient, December) };
        var appeals = o.Take(3).Concat(s).Select(decision => Appeal(decision, decision.DecidedAt.AddDays(5))).ToArray();
        await PublishAsync(review, [.. o.Concat(s).Select(decision => ((PlatformEvent)decision, decision.DecidedAt))]);
        await PublishAsync(review, [.. appeals.Select(appeal => ((PlatformEvent)appeal, November.AddDays(15)))]);
        await PublishAsync(review,
            (Outcome(o[0], appeals[0], AppealOutcome.Annulled), November.AddDays(40)),
            (Outcome(o[1], appeals[1], AppealOutcome.Annulled), November.AddDays(40)),
            (Outcome(o[2], appeals[2], AppealOutcome.Confirmed), November.AddDays(40)),
            (Outcome(s[1], appeals[4], AppealOutcome.Reduced), November.AddDays(40)),
            (new AppealImplicitlyRejected(appeals[5].AppealId, s[2].DecisionId, recipient, "2027-02-11", "2027-04-11"), November.AddDays(80)));

        var figures = await Auditor.GetFromJsonAsync<JsonElement>("/api/audit/appeals/statistics");

        var rows = figures.GetProperty("months").EnumerateArray()
            .Where(row => row.GetProperty("ruleId").GetString() is var rule && (rule == often || rule == seldom))
            .Select(row => (
                row.GetProperty("ruleId").GetString(), row.GetProperty("month").GetString(), row.GetProperty("decided").GetInt32(),
                row.GetProperty("appealed").GetInt32(), row.GetProperty("confirmed").GetInt32(), row.GetProperty("reduced").GetInt32(),
                row.GetProperty("annulled").GetInt32(), row.GetProperty("implicitlyRejected").GetInt32(), row.GetProperty("pending").GetInt32(),
                row.GetProperty("annulledShare").ValueKind == JsonValueKind.Null ? (decimal?)null : row.GetProperty("annulledShare").GetDecimal()))
            .OrderBy(row => row.Item1, StringComparer.Ordinal).ThenBy(row => row.Item2, StringComparer.Ordinal)
            .ToList();
        var expected = new List<(string?, string?, int, int, int, int, int, int, int, decimal?)>
        {
            (often, "2026-11", 4, 3, 1, 0, 2, 0, 0, 0.6667m),
            (seldom, "2026-11", 1, 1, 0, 0, 0, 0, 1, null),
            (seldom, "2026-12", 2, 2, 0, 1, 0, 1, 0, 0m),
        }.OrderBy(row => row.Item1, StringComparer.Ordinal).ThenBy(row => row.Item2, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, rows);
    }

    [Fact]
    public async Task AppealStatistics_AreForAuditorsOnly()
    {
        var response = await fixture.Audit.ClientFor("counsellor", "counsellor-1").GetAsync("/api/audit/appeals/statistics");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Verification_ReportsAppealsDecidedByAPartyRepaidWithoutDecisionOrLeftUnanswered_AndReplayShowsThem()
    {
        var review = Unique("review");
        var allocations = Unique("allocations");
        var recipient = Unique("r-verified");
        var rule = Unique("rule-verified");
        var lawful = Decision(rule, recipient, November);
        var partial = Decision(rule, recipient, November);
        var forgotten = Decision(rule, recipient, November);
        await PublishAsync(review, (lawful, November), (partial, November), (forgotten, November));
        var lawfulAppeal = Appeal(lawful, November.AddDays(5));
        var partialAppeal = Appeal(partial, November.AddDays(5));
        var forgottenAppeal = Appeal(forgotten, November.AddDays(5));
        var filed = await PublishAsync(review,
            (lawfulAppeal, November.AddDays(5)), (partialAppeal, November.AddDays(5)), (forgottenAppeal, November.AddDays(5)));
        var annulled = Outcome(lawful, lawfulAppeal, AppealOutcome.Annulled);
        var byTheApprover = Outcome(partial, partialAppeal, AppealOutcome.Annulled, decidedBy: "supervisor-2");
        var decided = await PublishAsync(review, (annulled, November.AddDays(30)), (byTheApprover, November.AddDays(30)));
        var neverDecided = Outcome(forgotten, forgottenAppeal, AppealOutcome.Annulled);
        // Three months on: the forgotten appeal has neither an outcome nor an implicit rejection.
        var repaid = await PublishAsync(allocations, (Repayment(annulled), November.AddDays(31)), (Repayment(neverDecided), November.AddDays(90)));

        var report = await Auditor.GetFromJsonAsync<JsonElement>("/api/audit/verification?full=true");
        var violations = report.GetProperty("violations").EnumerateArray()
            .Select(v => (Position: v.GetProperty("position").GetInt64(), Kind: v.GetProperty("kind").GetString()))
            .ToList();

        Assert.DoesNotContain(violations, v => v.Position == filed[0] || v.Position == decided[0] || v.Position == repaid[0]);
        Assert.Contains((decided[1], "appeal-not-independent"), violations);
        Assert.Contains((repaid[1], "repayment-without-appeal-decision"), violations);
        Assert.Contains((filed[2], "appeal-unanswered"), violations);
        Assert.DoesNotContain(violations, v => v.Position == filed[1]);

        var at = Uri.EscapeDataString(November.AddDays(35).ToString("O", CultureInfo.InvariantCulture));
        var replay = await Auditor.GetFromJsonAsync<JsonElement>($"/api/audit/replay?recipient={recipient}&at={at}");
        var shown = replay.GetProperty("appeals").EnumerateArray().ToDictionary(a => a.GetProperty("appealId").GetGuid());
        Assert.Equal(3, shown.Count);
        Assert.Equal("decided", shown[lawfulAppeal.AppealId].GetProperty("state").GetString());
        Assert.Equal("annulled", shown[lawfulAppeal.AppealId].GetProperty("outcome").GetProperty("outcome").GetString());
        Assert.Equal(387.92m, shown[lawfulAppeal.AppealId].GetProperty("repayment").GetProperty("amountRepaid").GetDecimal());
        Assert.Equal("filed", shown[forgottenAppeal.AppealId].GetProperty("state").GetString());
        Assert.Equal(forgottenAppeal.FiledOn, shown[forgottenAppeal.AppealId].GetProperty("filedOn").GetString());
    }
}
