using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.IntegrationTests.Infrastructure;
using Platform.Rules.Calendar;
using UglyToad.PdfPig;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The whole story of the README, through HTTP only, against the five services running as separate processes on the
/// real broker and databases: a recipient declares too few hours three weeks running; flags appear; the recipient
/// reads the explanation; a counsellor proposes a sanction; the recipient receives the notice, answers and asks to be
/// heard; the hearing is held; a supervisor approves; the decision letter reaches the recipient; the allocation changes;
/// a counsellor ends the suspension; the recipient appeals (RAPO) and a third person, with a delegation, annuls the
/// decision, which the allocation service follows, naming the appeal; an auditor verifies the log and replays the case.
/// </summary>
public sealed class StoryTests
{
    private static readonly string[] AppealDocuments = ["certificat médical du Dr Lemoine"];

    [Fact]
    public async Task ARepeatedShortfall_GoesThroughEveryHumanStep_BeforeTheAllocationChanges_AndTheLogVerifies()
    {
        // Each service under its own broker user, with the permissions of deploy/rabbitmq/definitions.json.
        var servers = await PlatformServers.GetAsync();
        var (virtualHost, settings, users) = await BrokerUsers.FromDefinitionsAsync(servers);
        try
        {
            await TellTheStoryAsync(virtualHost, settings);
        }
        finally
        {
            await BrokerUsers.DeleteAsync(servers, users.Values);
        }
    }

    private static async Task TellTheStoryAsync(string virtualHost, Dictionary<string, string> settings)
    {
        await using var platform = await PlatformProcesses.StartOnAsync(virtualHost, settings, BrokerUsers.Services);
        const string recipientId = "R-story";
        var thisWeek = WeekCalendar.WeekOf(DateTimeOffset.UtcNow);
        var thisMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow));
        var nextMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow).AddMonths(1));

        var counsellor = platform.ClientFor("declarations", "counsellor", "agent-claire");
        var recipientDeclarations = platform.ClientFor("declarations", "recipient", recipientId);
        var recipientReview = platform.ClientFor("review", "recipient", recipientId);
        var counsellorReview = platform.ClientFor("review", "counsellor", "agent-claire");
        var supervisorReview = platform.ClientFor("review", "supervisor", "agent-samir");
        var thirdPersonReview = platform.ClientFor("review", "supervisor", "agent-nadia");
        var payerAllocations = platform.ClientFor("allocations", "payer", "caf-75");
        var recipientAllocations = platform.ClientFor("allocations", "recipient", recipientId);
        var auditor = platform.ClientFor("audit", "auditor", "auditor-ines");

        // A counsellor records the engagement (15 h a week); the paying body states the household's allocation.
        Assert.Equal(HttpStatusCode.OK, (await counsellor.PutAsJsonAsync(
            $"/api/recipients/{recipientId}/engagement", new { hoursPerWeek = 15, fromWeek = thisWeek.AddWeeks(-5).ToString() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await payerAllocations.PutAsJsonAsync(
            $"/api/recipients/{recipientId}/allocation",
            new { monthlyBaseAmount = 646.52m, householdSize = 1, loneParentIncrease = false, fromMonth = thisMonth })).StatusCode);

        // Three weeks running the recipient declares 5 hours.
        for (var back = 3; back >= 1; back--)
        {
            var week = thisWeek.AddWeeks(-back);
            var response = await recipientDeclarations.PutAsJsonAsync($"/api/recipients/{recipientId}/declarations/{week}", new
            {
                activities = new[]
                {
                    new { category = "job-search", date = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 3m },
                    new { category = "workshop", date = week.Monday.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 2m },
                },
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // Flags appear; the recipient sees them, the repeated one among them, and reads its explanation.
        var repeated = await Eventually.GetAsync("the repeated-shortfall flag in the recipient's list", async () =>
        {
            var flags = await recipientReview.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/flags");
            return Items(flags).Where(flag => flag.GetProperty("ruleId").GetString() == "repeated-shortfall").Select(flag => (JsonElement?)flag).FirstOrDefault();
        });
        Assert.True(repeated.GetProperty("sanctionEligible").GetBoolean());
        var flagId = repeated.GetProperty("flagId").GetGuid();
        var explanation = await recipientReview.GetAsync($"/api/recipients/{recipientId}/flags/{flagId}/explanation");
        Assert.Equal(HttpStatusCode.OK, explanation.StatusCode);
        var explained = await explanation.Content.ReadAsStringAsync();
        Assert.Contains("repeated-shortfall", explained, StringComparison.Ordinal);

        // A counsellor finds the case in the queue, claims it and proposes a first-breach sanction.
        var caseId = await Eventually.GetAsync("the case in the counsellor's queue", async () =>
        {
            var queue = await counsellorReview.GetFromJsonAsync<JsonElement>("/api/review/cases?status=open&pageSize=100");
            return Items(queue).Where(item => item.GetProperty("flag").GetProperty("flagId").GetGuid() == flagId)
                .Select(item => (Guid?)item.GetProperty("caseId").GetGuid()).FirstOrDefault();
        });
        Assert.Equal(HttpStatusCode.OK, (await counsellorReview.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        var proposed = await counsellorReview.PostAsJsonAsync($"/api/review/cases/{caseId}/sanction-proposals", new
        {
            percent = 30,
            months = 1,
            startMonth = nextMonth,
            reason = "Trois semaines sous l'engagement sans explication lors de l'entretien.",
            assessment = new
            {
                vulnerability = "Aucune vulnérabilité connue ; santé non évoquée.",
                dependants = "Personne seule, sans enfant à charge.",
                natureAndFrequency = "Trois semaines consécutives sous l'engagement.",
                consequences = "30 % pendant un mois ; le loyer reste couvert par l'aide au logement.",
            },
        });
        Assert.True(proposed.StatusCode == HttpStatusCode.Created, await proposed.Content.ReadAsStringAsync());
        var proposal = await proposed.Content.ReadFromJsonAsync<JsonElement>();
        var proposalId = proposal.GetProperty("proposalId").GetGuid();

        // The recipient finds the notice and its PDF letter (facts, sanction in euros, deadline, right to be heard) and
        // acknowledges it: their window runs from that receipt, and nothing can be decided before.
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        var notices = await recipientReview.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/notices");
        Assert.Equal(noticeId, notices.GetProperty("notices")[0].GetProperty("noticeId").GetGuid());
        var notice = PdfText(await recipientReview.GetByteArrayAsync($"/api/recipients/{recipientId}/notices/{noticeId}.pdf"));
        Assert.Contains("Suspension de 30 % de votre RSA pendant 1 mois", notice, StringComparison.Ordinal);
        Assert.Contains("193,96 € par mois", notice, StringComparison.Ordinal);
        Assert.Contains("demander à être entendu(e)", notice, StringComparison.Ordinal);
        await AssertRefusedAsync(supervisorReview, proposalId, "notice-not-received");
        Assert.Equal(HttpStatusCode.OK, (await recipientReview.PostAsync($"/api/recipients/{recipientId}/notices/{noticeId}/acknowledgement", null)).StatusCode);

        // Nothing has changed for the recipient yet: a proposal is not a decision.
        var before = await recipientAllocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/allocation?month={nextMonth}");
        Assert.Equal(646.52m, before.GetProperty("amountDue").GetDecimal());

        // The recipient answers (a first observation does not close the window) and asks to be heard, assisted by someone
        // of their choice: no decision until the hearing is held.
        Assert.Equal(HttpStatusCode.Created, (await recipientReview.PostAsJsonAsync(
            $"/api/recipients/{recipientId}/flags/{flagId}/observations",
            new { text = "J'étais malade deux de ces semaines ; je peux fournir un certificat." })).StatusCode);
        await AssertRefusedAsync(supervisorReview, proposalId, "observation-window-open");
        Assert.Equal(HttpStatusCode.OK, (await recipientReview.PostAsJsonAsync(
            $"/api/recipients/{recipientId}/notices/{noticeId}/hearing", new { assistantName = "Mme Martin", assistantRole = "Association Entraide" })).StatusCode);
        await AssertRefusedAsync(supervisorReview, proposalId, "hearing-pending");

        // The counsellor schedules the hearing (a few seconds ahead, so that this story need not wait days) and, once
        // its time has come, records who attended and what was said.
        Assert.Equal(HttpStatusCode.OK, (await counsellorReview.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/schedule",
            new { scheduledAt = DateTimeOffset.UtcNow.AddSeconds(3), place = "Agence de Saint-Denis, 3 rue de la Gare" })).StatusCode);
        await Eventually.GetAsync("the hearing recorded once its time has come", async () =>
        {
            var recorded = await counsellorReview.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/hearing/record", new
            {
                personAttended = true,
                attendees = "L'allocataire, Mme Martin (Association Entraide), Claire (conseillère)",
                summary = "Deux semaines de maladie expliquées ; aucun justificatif pour la troisième.",
            });
            return recorded.StatusCode == HttpStatusCode.OK ? (bool?)true : null;
        });

        // The supervisor, a second person, approves; the recipient gets the decision letter with the hearing as recorded.
        Assert.Equal(HttpStatusCode.OK, (await supervisorReview.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Observation lue ; l'entretien confirme le manquement." })).StatusCode);
        var letters = await recipientReview.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/decision-letters");
        var letterId = Assert.Single(letters.GetProperty("letters").EnumerateArray()).GetProperty("letterId").GetGuid();
        var letter = PdfText(await recipientReview.GetByteArrayAsync($"/api/recipients/{recipientId}/decision-letters/{letterId}.pdf"));
        Assert.Contains("en votre présence", letter, StringComparison.Ordinal);
        Assert.Contains("Mme Martin", letter, StringComparison.Ordinal);
        Assert.Contains("recours administratif préalable obligatoire", letter, StringComparison.Ordinal);
        var received = await recipientReview.PostAsync($"/api/recipients/{recipientId}/decision-letters/{letterId}/acknowledgement", null);
        Assert.Equal(HttpStatusCode.OK, received.StatusCode);
        var sanctionDecisionId = (await received.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decisionId").GetGuid();

        // The allocation changes, naming the signed decision behind the adjustment.
        var after = await Eventually.GetAsync("the adjusted allocation", async () =>
        {
            var allocation = await recipientAllocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/allocation?month={nextMonth}");
            return allocation.GetProperty("adjustments").GetArrayLength() > 0 ? (JsonElement?)allocation : null;
        });
        Assert.Equal(452.56m, after.GetProperty("amountDue").GetDecimal());
        var adjustment = after.GetProperty("adjustments")[0];
        Assert.Equal(30, adjustment.GetProperty("percent").GetInt32());
        Assert.False(string.IsNullOrEmpty(adjustment.GetProperty("keyId").GetString()));

        // The recipient says they meet their obligations again; a supervisor ends the suspension from its first month,
        // with a reason; the review service signs the decision and the allocation is whole again.
        var said = await recipientReview.PostAsJsonAsync(
            $"/api/recipients/{recipientId}/obligations-met", new { text = "J'ai repris mes démarches : deux entretiens cette semaine." });
        Assert.Equal(HttpStatusCode.Created, said.StatusCode);
        var statementId = (await said.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statementId").GetGuid();
        var suspensions = await counsellorReview.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/suspensions");
        Assert.Equal(sanctionDecisionId, suspensions.GetProperty("suspensions")[0].GetProperty("decisionId").GetGuid());
        // Ending it is a decision of the président: taken by the supervisor, who holds a delegation (its letter names it).
        Assert.Equal(HttpStatusCode.OK, (await supervisorReview.PostAsJsonAsync(
            $"/api/review/suspensions/{sanctionDecisionId}/end",
            new { fromMonth = nextMonth, reason = "Démarches reprises, vérifiées en entretien.", statementId })).StatusCode);
        var whole = await Eventually.GetAsync("the suspension lifted", async () =>
        {
            var allocation = await recipientAllocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/allocation?month={nextMonth}");
            return allocation.GetProperty("adjustments")[0].GetProperty("liftedFromMonth").GetString() == nextMonth ? (JsonElement?)allocation : null;
        });
        Assert.Equal(646.52m, whole.GetProperty("amountDue").GetDecimal());

        // The recipient still contests the decision itself (RAPO: a sanction on record counts for the next one):
        // acknowledged at once, with the date of implicit rejection.
        var filed = await recipientReview.PostAsJsonAsync($"/api/recipients/{recipientId}/appeals", new
        {
            decisionId = sanctionDecisionId,
            reasons = "J'étais malade deux de ces semaines ; le certificat couvre aussi la troisième.",
            documents = AppealDocuments,
        });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var appeal = await filed.Content.ReadFromJsonAsync<JsonElement>();
        var appealId = appeal.GetProperty("appealId").GetGuid();
        Assert.Equal("pending", appeal.GetProperty("status").GetString());
        Assert.Equal(
            WeekCalendar.TodayIn(DateTimeOffset.UtcNow).AddMonths(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            appeal.GetProperty("implicitRejectionOn").GetString());
        var acknowledgement = PdfText(await recipientReview.GetByteArrayAsync(
            appeal.GetProperty("letters").EnumerateArray().Single(item => item.GetProperty("kind").GetString() == "appeal-acknowledged").GetProperty("pdfUrl").GetString()));
        Assert.Contains("Accusé de réception de votre recours préalable", acknowledgement, StringComparison.Ordinal);

        // Neither the proposer nor the approver may decide it; a third person, holding a delegation, annuls the decision.
        foreach (var tookPart in new[] { counsellorReview, supervisorReview })
        {
            var refused = await tookPart.PostAsJsonAsync($"/api/review/appeals/{appealId}/decide", new { outcome = "annulled", reason = "Certificat reçu." });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.EndsWith("/problems/appeal-instructor-took-part", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        var annulled = await thirdPersonReview.PostAsJsonAsync(
            $"/api/review/appeals/{appealId}/decide", new { outcome = "annulled", reason = "Le certificat médical couvre les trois semaines." });
        Assert.Equal(HttpStatusCode.OK, annulled.StatusCode);
        var decided = await annulled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("annulled", "agent-nadia"), (decided.GetProperty("status").GetString(), decided.GetProperty("decidedBy").GetString()));

        // The allocations service verifies the signed appeal decision and applies it, naming the appeal (the audit log's
        // bodies give amounts as strings): it repays what
        // the suspension withheld beyond the appeal's outcome — nothing here, since the suspension was lifted from its
        // first month, which has not begun (the months already withheld are paid back in AppealTests, on a fake clock).
        var repayment = await Eventually.GetAsync("the appeal's repayment in the audit log", async () =>
        {
            var events = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/events?recipient={recipientId}&type=AppealRepaid");
            return Items(events).Select(item => (JsonElement?)item.GetProperty("body")).FirstOrDefault();
        });
        Assert.Equal((appealId, sanctionDecisionId, "annulled", 0m), (
            repayment.GetProperty("appealId").GetGuid(), repayment.GetProperty("sanctionDecisionId").GetGuid(), repayment.GetProperty("outcome").GetString(),
            decimal.Parse(repayment.GetProperty("amountRepaid").ToString(), CultureInfo.InvariantCulture)));
        var annulledAllocation = await recipientAllocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/allocation?month={nextMonth}");
        Assert.Equal(646.52m, annulledAllocation.GetProperty("amountDue").GetDecimal());
        Assert.Equal(0m, annulledAllocation.GetProperty("adjustments")[0].GetProperty("amount").GetDecimal());

        // The auditor verifies the whole log and replays the case.
        await Eventually.GetAsync("the lifted suspension in the audit log", async () =>
        {
            var events = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/events?recipient={recipientId}&type=SuspensionLifted");
            return Items(events).Any() ? (bool?)true : null;
        });
        var verification = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
        Assert.Equal(0, verification.GetProperty("violations").GetArrayLength());

        var replay = await auditor.GetFromJsonAsync<JsonElement>(
            $"/api/audit/replay?recipient={recipientId}&at={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture))}");
        Assert.Equal(3, replay.GetProperty("declarations").GetArrayLength());
        Assert.Contains(replay.GetProperty("flags").EnumerateArray(), flag => flag.GetProperty("flagId").GetGuid() == flagId);
    }

    /// <summary>An approval refused with 409 and the problem type that says why; nothing decided.</summary>
    private static async Task AssertRefusedAsync(HttpClient supervisor, Guid proposalId, string problem)
    {
        var refused = await supervisor.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Trop tôt." });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var type = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();
        Assert.EndsWith($"/problems/{problem}", type, StringComparison.Ordinal);
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(page => string.Join(" ", page.GetWords().Select(word => word.Text))));
    }

    /// <summary>The items of a paged answer, or the array itself.</summary>
    internal static IEnumerable<JsonElement> Items(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Array ? answer.EnumerateArray()
        : answer.TryGetProperty("items", out var items) ? items.EnumerateArray()
        : answer.TryGetProperty("flags", out var flags) ? flags.EnumerateArray()
        : answer.GetProperty("events").EnumerateArray();
}
