using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Declarations;
using Platform.Contracts.Rules;
using Platform.Rules.Catalogue;

namespace Platform.IntegrationTests.DueProcess;

/// <summary>
/// A motif légitime excuses a breach (CASF R262-68-6; Conseil constitutionnel, décision n° 2023-858 DC): the person
/// declares a justified absence, a counsellor accepts it, the rules withdraw the flags of the weeks it covers and the
/// review refuses a sanction resting on them. A refused absence changes nothing. HTTP in, the real broker between.
/// </summary>
public sealed class JustifiedAbsenceTests(DueProcessFixture fixture) : IClassFixture<DueProcessFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);

    private const string ShortWeekFlagCase =
        "SELECT case_id FROM cases WHERE recipient_id = @recipient AND week = @week AND rule_id = 'repeated-shortfall'";

    [Fact]
    public async Task AnAcceptedAbsence_WithdrawsTheFlagOfTheWeekItCovers_AndBlocksAProposalRestingOnIt()
    {
        var recipient = DueProcessFixture.NewRecipient();
        await fixture.ShortWeeksAsync(recipient, "2026-W44", "2026-W45", "2026-W46", "2026-W47");
        var raised = fixture.Events.All<FlagRaised>().Where(flag => flag.RecipientId == recipient).ToList();
        var coveredWeekFlag = Assert.Single(raised, flag => flag.Week == "2026-W44" && flag.RuleId == WeeklyHoursBelowEngagement.Id);

        var absenceId = await fixture.DeclareAbsenceAsync(recipient, "2026-W44", "2026-W44");
        var accepted = await fixture.CounsellorDeclarations().PostAsJsonAsync(
            $"/api/recipients/{recipient}/absences/{absenceId}/accept", new { reason = "Arrêt de travail reçu." });

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal(DueProcessFixture.Counsellor, body.GetProperty("decidedBy").GetString());
        var decided = await fixture.Events.WaitForAsync<AbsenceDecided>(e => e.AbsenceId == absenceId);
        Assert.True(decided.Accepted);
        Assert.Equal(("2026-W44", "2026-W44"), (decided.FromWeek, decided.ToWeek));

        // The covered week's flag is withdrawn, naming the absence; so is the repeated shortfall that only stood with it.
        var withdrawn = await fixture.Events.WaitForAsync<FlagWithdrawn>(e => e.FlagId == coveredWeekFlag.FlagId);
        Assert.Contains(absenceId.ToString(), withdrawn.Reason.Fr, StringComparison.Ordinal);
        Assert.Contains(absenceId.ToString(), withdrawn.Reason.En, StringComparison.Ordinal);
        var patternOfW46 = Assert.Single(raised, flag => flag.Week == "2026-W46" && flag.RuleId == RepeatedShortfall.Id);
        await fixture.Events.WaitForAsync<FlagWithdrawn>(e => e.FlagId == patternOfW46.FlagId);
        await DueProcessFixture.WaitUntilAsync(
            fixture.ReviewDatabase, "SELECT count(*) FROM cases WHERE flag_id = @FlagId AND state = 'withdrawn'", new { coveredWeekFlag.FlagId });

        // Weeks 45 to 47 still make a pattern, but its breach (weeks 44 to 47) rests on the excused week: no sanction.
        await DueProcessFixture.WaitUntilAsync(
            fixture.ReviewDatabase, "SELECT count(*) FROM accepted_absences WHERE absence_id = @absenceId", new { absenceId });
        var caseId = await DueProcessFixture.ScalarAsync<Guid>(fixture.ReviewDatabase, ShortWeekFlagCase, new { recipient, week = "2026-W47" });
        var proposal = await ProposeAsync(caseId);
        Assert.Equal(HttpStatusCode.Conflict, proposal.StatusCode);
        var problem = await proposal.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://xp-rsa.example/problems/breach-week-excused", problem.GetProperty("type").GetString());
        Assert.Contains(absenceId.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await DueProcessFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM proposals WHERE case_id = @caseId", new { caseId }));
    }

    [Fact]
    public async Task AnAbsenceAcceptedAfterTheProposal_IsListedInTheNotice_AndBlocksTheApproval()
    {
        var recipient = DueProcessFixture.NewRecipient();
        await fixture.ShortWeeksAsync(recipient, "2026-W44", "2026-W45", "2026-W46", "2026-W47");
        var caseId = await DueProcessFixture.ScalarAsync<Guid>(fixture.ReviewDatabase, ShortWeekFlagCase, new { recipient, week = "2026-W47" });
        var proposed = await ProposeAsync(caseId);
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var proposal = await proposed.Content.ReadFromJsonAsync<JsonElement>();
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        var flagId = proposal.GetProperty("flagId").GetGuid();
        var me = fixture.Review.ClientFor("recipient", recipient);
        var noticeUrl = $"/api/recipients/{recipient}/notices/{noticeId}";

        // The notice says no absence was taken into account, in both languages.
        var before = await me.GetFromJsonAsync<JsonElement>(noticeUrl);
        Assert.Equal(0, before.GetProperty("absences").GetArrayLength());
        Assert.StartsWith("Aucune", Section(before, "absences"), StringComparison.Ordinal);
        Assert.StartsWith("None", Section(await me.GetFromJsonAsync<JsonElement>($"{noticeUrl}?language=en"), "absences"), StringComparison.Ordinal);

        // The person receives the notice and says they have nothing to add: the window is closed.
        Assert.Equal(HttpStatusCode.OK, (await me.PostAsync($"{noticeUrl}/acknowledgement", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "J'étais malade la première semaine.", nothingToAdd = true })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));

        // An absence over the breach's first week is accepted now; the pattern of weeks 45 to 47 still stands.
        var absenceId = await fixture.DeclareAbsenceAsync(recipient, "2026-W44", "2026-W44");
        Assert.Equal(HttpStatusCode.OK, (await fixture.CounsellorDeclarations().PostAsJsonAsync(
            $"/api/recipients/{recipient}/absences/{absenceId}/accept", new { reason = "Arrêt de travail reçu." })).StatusCode);
        await DueProcessFixture.WaitUntilAsync(
            fixture.ReviewDatabase, "SELECT count(*) FROM accepted_absences WHERE absence_id = @absenceId", new { absenceId });

        var after = await me.GetFromJsonAsync<JsonElement>(noticeUrl);
        var listed = Assert.Single(after.GetProperty("absences").EnumerateArray());
        Assert.Equal((absenceId, "2026-W44", "2026-W44"), (listed.GetProperty("absenceId").GetGuid(), listed.GetProperty("fromWeek").GetString(), listed.GetProperty("toWeek").GetString()));
        Assert.Contains(absenceId.ToString(), Section(after, "absences"), StringComparison.Ordinal);
        var pdf = await me.GetByteArrayAsync($"{noticeUrl}.pdf");
        using (var document = UglyToad.PdfPig.PdfDocument.Open(pdf))
        {
            var text = string.Join(" ", document.GetPages().SelectMany(page => page.GetWords()).Select(word => word.Text));
            Assert.Contains("Absences justifiées prises en compte", text, StringComparison.Ordinal);
            Assert.Contains(absenceId.ToString(), text, StringComparison.Ordinal);
        }

        var approval = await fixture.Review.ClientFor("supervisor", DueProcessFixture.Supervisor).PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Rien à ajouter ; manquement établi." });
        Assert.Equal(HttpStatusCode.Conflict, approval.StatusCode);
        var problem = await approval.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://xp-rsa.example/problems/breach-week-excused", problem.GetProperty("type").GetString());
        Assert.Contains(absenceId.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("pending", await DueProcessFixture.ScalarAsync<string>(
            fixture.ReviewDatabase, "SELECT state FROM proposals WHERE proposal_id = @proposalId", new { proposalId }));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<Platform.Contracts.Review.SanctionDecided>(Quiet, e => e.ProposalId == proposalId));

        // Rejecting it, in the person's favour, stays possible.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Review.ClientFor("supervisor", DueProcessFixture.Supervisor).PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/reject", new { reason = "Semaine excusée par une absence justifiée." })).StatusCode);
    }

    private static string Section(JsonElement notice, string key) =>
        notice.GetProperty("sections").EnumerateArray().Single(section => section.GetProperty("key").GetString() == key).GetProperty("text").GetString()!;

    [Fact]
    public async Task AFlagRaisedAfterAnAcceptedAbsence_SkipsItsWeeks_AndItsExplanationNamesTheAbsence()
    {
        var recipient = DueProcessFixture.NewRecipient();
        Assert.Equal(HttpStatusCode.OK, (await fixture.CounsellorDeclarations().PutAsJsonAsync(
            $"/api/recipients/{recipient}/engagement", new { hoursPerWeek = 15, fromWeek = "2026-W40" })).StatusCode);
        var absenceId = await fixture.DeclareAbsenceAsync(recipient, "2026-W45", "2026-W45");
        Assert.Equal(HttpStatusCode.OK, (await fixture.CounsellorDeclarations().PostAsJsonAsync(
            $"/api/recipients/{recipient}/absences/{absenceId}/accept", new { reason = "Hospitalisation attestée." })).StatusCode);
        await DueProcessFixture.WaitUntilAsync(
            fixture.RulesDatabase, "SELECT count(*) FROM accepted_absences WHERE absence_id = @absenceId", new { absenceId });

        await fixture.ShortWeeksAsync(recipient, "2026-W44", "2026-W45", "2026-W46", "2026-W47");

        var raised = fixture.Events.All<FlagRaised>().Where(flag => flag.RecipientId == recipient).ToList();
        Assert.DoesNotContain(raised, flag => flag.Week == "2026-W45");
        var pattern = Assert.Single(raised, flag => flag.RuleId == RepeatedShortfall.Id);
        Assert.Equal("2026-W47", pattern.Week);
        Assert.Contains(absenceId.ToString(), pattern.Explanation.Fr, StringComparison.Ordinal);
        Assert.Contains(absenceId.ToString(), pattern.Explanation.En, StringComparison.Ordinal);
        Assert.Equal(absenceId, pattern.Facts.GetProperty("absences")[0].GetProperty("absenceId").GetGuid());
        Assert.DoesNotContain("illness", pattern.Facts.GetRawText(), StringComparison.Ordinal);
        Assert.True(Platform.Rules.RuleReplay.WouldRaise(pattern.RuleId, pattern.RuleVersion, pattern.Facts, pattern.Parameters));
    }

    [Fact]
    public async Task ARefusedAbsence_ChangesNothing()
    {
        var recipient = DueProcessFixture.NewRecipient();
        await fixture.ShortWeeksAsync(recipient, "2026-W44", "2026-W45", "2026-W46", "2026-W47");
        var absenceId = await fixture.DeclareAbsenceAsync(recipient, "2026-W44", "2026-W44");

        var refused = await fixture.CounsellorDeclarations().PostAsJsonAsync(
            $"/api/recipients/{recipient}/absences/{absenceId}/refuse", new { reason = "Le justificatif couvre une autre période." });

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal("refused", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await fixture.Events.WaitForAsync<AbsenceDecided>(e => e.AbsenceId == absenceId && !e.Accepted);
        var messageId = fixture.Events.Received.Single(e => e.Is<AbsenceDecided>() && e.Message<AbsenceDecided>().AbsenceId == absenceId).MessageId;
        // Both consumers have processed the refusal before anything is checked.
        await DueProcessFixture.WaitUntilAsync(
            fixture.RulesDatabase, "SELECT count(*) FROM inbox WHERE consumer = 'AbsenceDecidedConsumer' AND message_id = @messageId", new { messageId });
        await DueProcessFixture.WaitUntilAsync(
            fixture.ReviewDatabase, "SELECT count(*) FROM inbox WHERE consumer = 'AbsenceDecidedConsumer' AND message_id = @messageId", new { messageId });

        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<FlagWithdrawn>(Quiet, e => e.RecipientId == recipient));
        var caseId = await DueProcessFixture.ScalarAsync<Guid>(fixture.ReviewDatabase, ShortWeekFlagCase, new { recipient, week = "2026-W47" });
        Assert.Equal(HttpStatusCode.Created, (await ProposeAsync(caseId)).StatusCode);
    }

    [Fact]
    public async Task DecidingTwice_Answers409_AndPublishesOneDecision()
    {
        var recipient = DueProcessFixture.NewRecipient();
        var absenceId = await fixture.DeclareAbsenceAsync(recipient, "2026-W46", "2026-W47");
        var url = $"/api/recipients/{recipient}/absences/{absenceId}";

        Assert.Equal(HttpStatusCode.OK, (await fixture.CounsellorDeclarations().PostAsJsonAsync($"{url}/accept", new { reason = "Justifié." })).StatusCode);
        var again = await fixture.CounsellorDeclarations().PostAsJsonAsync($"{url}/refuse", new { reason = "Finalement non." });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(
            "https://xp-rsa.example/problems/absence-already-decided",
            (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        var read = await fixture.RecipientDeclarations(recipient).GetFromJsonAsync<JsonElement>(url);
        Assert.Equal("accepted", read.GetProperty("status").GetString());
        Assert.Equal("Justifié.", read.GetProperty("decisionReason").GetString());
        await fixture.Events.WaitForAsync<AbsenceDecided>(e => e.AbsenceId == absenceId);
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<AbsenceDecided>(Quiet, e => e.AbsenceId == absenceId));
    }

    private async Task<HttpResponseMessage> ProposeAsync(Guid caseId)
    {
        var counsellor = fixture.Review.ClientFor("counsellor", DueProcessFixture.Counsellor);
        Assert.Equal(HttpStatusCode.OK, (await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        var today = Platform.Rules.Calendar.WeekCalendar.TodayIn(fixture.Clock.GetUtcNow());
        var startMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        return await counsellor.PostAsJsonAsync(
            $"/api/review/cases/{caseId}/sanction-proposals",
            new
            {
                percent = 30,
                months = 1,
                startMonth,
                reason = "Trois semaines sur quatre sous l'engagement.",
                assessment = new
                {
                    vulnerability = "Aucune vulnérabilité connue.",
                    dependants = "Personne seule, sans enfant à charge.",
                    natureAndFrequency = "Trois semaines sur quatre sous l'engagement.",
                    consequences = "Le loyer reste couvert par l'aide au logement.",
                },
            });
    }
}
