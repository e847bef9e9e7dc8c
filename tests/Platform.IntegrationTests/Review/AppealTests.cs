using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review.Sanctions;
using Platform.Rules.Calendar;
using UglyToad.PdfPig;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// The prior appeal (RAPO, CASF L262-47, R262-88 and following) end to end on real servers: filed by the person and
/// acknowledged at once with the date of implicit rejection (letter and e-mail); instructed and decided only by someone
/// who took no part in the sanction; a signed decision that the allocations service verifies before paying back what was
/// withheld beyond the new sanction, naming the appeal; forged decisions move no money; two months of silence give an
/// implicit rejection and its letter.
/// </summary>
public sealed class AppealTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private const string ProblemBase = "https://xp-rsa.example/problems/";
    private static readonly string[] Documents = ["bulletin d'hospitalisation du 3 novembre"];

    /// <summary>
    /// A sanction of <paramref name="percent"/> % for two months of a 600 € allocation, proposed by the counsellor,
    /// approved by the first supervisor, applied from next month. Returns the signed decision.
    /// </summary>
    private async Task<SanctionDecided> SanctionAsync(string recipient, int percent = 30, int householdSize = 1)
    {
        await fixture.SetAllocationAsync(recipient, monthly: 600m, householdSize: householdSize);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: percent, months: 2, startMonth: fixture.MonthFromNow(1));
        Assert.Equal(HttpStatusCode.Created, (await fixture.Review.ClientFor("recipient", recipient).PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Mon fils était hospitalisé ; rien à ajouter.", nothingToAdd = true })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Manquement établi." })).StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.RecipientId == recipient);
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
        return decision;
    }

    private async Task<JsonElement> FileAsync(string recipient, Guid decisionId, string reasons = "Mon fils était hospitalisé ces semaines-là.")
    {
        var filed = await fixture.Review.ClientFor("recipient", recipient).PostAsJsonAsync(
            $"/api/recipients/{recipient}/appeals", new { decisionId, reasons, documents = Documents });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        return await filed.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> AllocationAsync(string recipient, string month) =>
        await fixture.Allocations.ClientFor("recipient", recipient).GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={month}");

    private async Task<string> LetterTextAsync(string recipient, JsonElement appeal, string kind)
    {
        var letter = appeal.GetProperty("letters").EnumerateArray().Single(item => item.GetProperty("kind").GetString() == kind);
        return PdfText(await fixture.Review.ClientFor("recipient", recipient).GetByteArrayAsync(letter.GetProperty("pdfUrl").GetString()));
    }

    private string Today() => WeekCalendar.TodayIn(fixture.Clock.GetUtcNow()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task AnAppeal_IsAcknowledgedAtOnce_OnlyAThirdPersonDecidesIt_AndAnAnnulmentIsRepaidNamingTheAppeal()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var address = $"{recipient}@appeal.test";
        var sanction = await SanctionAsync(recipient);
        var me = fixture.Review.ClientFor("recipient", recipient);
        // The address is given after the decision: the only e-mails to it are the appeal's letters.
        Assert.Equal(HttpStatusCode.OK, (await me.PutAsJsonAsync($"/api/recipients/{recipient}/contact", new { email = address })).StatusCode);
        fixture.AdvanceToMidNextMonth(); // the suspension's first month runs

        var appeal = await FileAsync(recipient, sanction.DecisionId);
        var appealId = appeal.GetProperty("appealId").GetGuid();
        var implicitRejection = WeekCalendar.TodayIn(fixture.Clock.GetUtcNow()).AddMonths(2);
        Assert.Equal("pending", appeal.GetProperty("status").GetString());
        Assert.False(appeal.GetProperty("late").GetBoolean());
        Assert.Equal(implicitRejection.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), appeal.GetProperty("implicitRejectionOn").GetString());
        var filed = await fixture.Events.WaitForAsync<AppealFiled>(e => e.AppealId == appealId);
        Assert.Equal((sanction.DecisionId, "online", false), (filed.SanctionDecisionId, filed.Channel, filed.Late));

        // Acknowledged at once: the letter gives the date of implicit rejection, by the API and by e-mail with its PDF.
        var date = implicitRejection.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        var acknowledgement = await LetterTextAsync(recipient, appeal, "appeal-acknowledged");
        Assert.Contains("Accusé de réception de votre recours préalable", acknowledgement, StringComparison.Ordinal);
        Assert.Contains($"au {date}, votre recours sera implicitement rejeté", acknowledgement, StringComparison.Ordinal);
        Assert.Contains("Mon fils était hospitalisé ces semaines-là.", acknowledgement, StringComparison.Ordinal);
        Assert.Contains("tribunal administratif", acknowledgement, StringComparison.Ordinal);
        var email = await Smtp.WaitForMessageToAsync(address);
        var attachment = Assert.Single(email.Attachments.OfType<MimePart>());
        using (var bytes = new MemoryStream())
        {
            await attachment.Content!.DecodeToAsync(bytes);
            Assert.Contains($"au {date}, votre recours sera implicitement rejeté", PdfText(bytes.ToArray()), StringComparison.Ordinal);
        }

        // The proposer and the approver may not instruct it: 403 in French and English, nothing written.
        foreach (var client in new[] { fixture.CounsellorClient(), fixture.SupervisorClient() })
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
            foreach (var (path, body) in new (string, object)[]
                     {
                         ("decide", new { outcome = "annulled", reason = "Hospitalisation établie." }),
                         ("commission-opinion", new { opinion = "Avis favorable." }),
                     })
            {
                var refused = await client.PostAsJsonAsync($"/api/review/appeals/{appealId}/{path}", body);
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
                var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(ProblemBase + "appeal-instructor-took-part", problem.GetProperty("type").GetString());
                Assert.Contains("You proposed or approved the sanction contested", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM appeals WHERE appeal_id = @appealId AND (outcome IS NOT NULL OR commission_opinion IS NOT NULL)", new { appealId }));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<AppealDecided>(TimeSpan.FromMilliseconds(500), e => e.AppealId == appealId));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<AppealCommissionOpinionRecorded>(TimeSpan.FromMilliseconds(300), e => e.AppealId == appealId));

        // The counsellor's queue shows it with its deadline.
        var queue = await fixture.CounsellorClient().GetFromJsonAsync<JsonElement>("/api/review/appeals");
        Assert.Contains(queue.GetProperty("appeals").EnumerateArray(), item => item.GetProperty("appealId").GetGuid() == appealId
            && item.GetProperty("implicitRejectionOn").GetString() == implicitRejection.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        // A third person records the commission's opinion and annuls, a month later: the first month was withheld.
        fixture.AdvanceToMidNextMonth();
        var third = fixture.SupervisorClient(HumanGateFixture.SecondSupervisor);
        Assert.Equal(HttpStatusCode.OK, (await third.PostAsJsonAsync(
            $"/api/review/appeals/{appealId}/commission-opinion", new { opinion = "La commission estime l'hospitalisation établie." })).StatusCode);
        var opinion = await fixture.Events.WaitForAsync<AppealCommissionOpinionRecorded>(e => e.AppealId == appealId);
        Assert.Equal((sanction.DecisionId, "La commission estime l'hospitalisation établie.", HumanGateFixture.SecondSupervisor),
            (opinion.SanctionDecisionId, opinion.Opinion, opinion.RecordedBy));
        var decided = await third.PostAsJsonAsync($"/api/review/appeals/{appealId}/decide", new { outcome = "annulled", reason = "L'hospitalisation de l'enfant excuse ces semaines." });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var decidedView = await decided.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("annulled", decidedView.GetProperty("status").GetString());

        // The decision is signed like a sanction, and Allocations repays the withheld month, naming the appeal.
        var appealDecision = await fixture.Events.WaitForAsync<AppealDecided>(e => e.AppealId == appealId);
        Assert.Equal((sanction.DecisionId, "annulled", 0, 0, HumanGateFixture.SecondSupervisor),
            (appealDecision.SanctionDecisionId, appealDecision.Outcome, appealDecision.Percent, appealDecision.Months, appealDecision.DecidedBy));
        Assert.True(fixture.PublicKey.VerifyData(
            AppealDecidedSignature.Payload(appealDecision), Convert.FromBase64String(appealDecision.Signature), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var repaid = await fixture.Events.WaitForAsync<AppealRepaid>(e => e.AppealDecisionId == appealDecision.DecisionId);
        Assert.Equal((appealId, sanction.DecisionId, 180m, "allocations"), (repaid.AppealId, repaid.SanctionDecisionId, repaid.AmountRepaid, repaid.Producer));
        var thisMonth = await AllocationAsync(recipient, fixture.MonthFromNow(0));
        Assert.Equal(600m + 180m, thisMonth.GetProperty("amountDue").GetDecimal());
        var line = Assert.Single(thisMonth.GetProperty("repayments").EnumerateArray());
        Assert.Equal(appealId, line.GetProperty("appealId").GetGuid());
        Assert.Equal(0m, thisMonth.GetProperty("adjustments")[0].GetProperty("amount").GetDecimal());

        // The decision's letter: the outcome, the reasons, the author and delegation, the seal, the tribunal and its deadline.
        var text = await LetterTextAsync(recipient, decidedView, "appeal-decided");
        Assert.Contains("Décision sur votre recours : la sanction est annulée", text, StringComparison.Ordinal);
        Assert.Contains("L'hospitalisation de l'enfant excuse ces semaines.", text, StringComparison.Ordinal);
        Assert.Contains("La commission estime l'hospitalisation établie.", text, StringComparison.Ordinal);
        Assert.Contains($"par Délégataire {HumanGateFixture.SecondSupervisor}, responsable du service RSA", text, StringComparison.Ordinal);
        Assert.Contains(TestDelegations.Reference, text, StringComparison.Ordinal);
        Assert.Contains($"Décision n° {appealDecision.DecisionId:D}, signée avec la clé {HumanGateFixture.KeyId}", text, StringComparison.Ordinal);
        Assert.Contains("tribunal administratif dans un délai de deux mois à compter de la réception de cette lettre", text, StringComparison.Ordinal);
        var seal = await fixture.Review.CreateClient().GetFromJsonAsync<JsonElement>(
            $"/api/decisions/{appealDecision.DecisionId}/seal?s={appealDecision.Signature.TrimEnd('=').Replace('+', '-').Replace('/', '_')[..22]}");
        Assert.True(seal.GetProperty("verifies").GetBoolean());

        // Decided once: a second decision is refused.
        var again = await third.PostAsJsonAsync($"/api/review/appeals/{appealId}/decide", new { outcome = "confirmed", reason = "Revirement." });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task AReduction_RepaysOnlyWhatWasWithheldBeyondTheNewShare_AndTheComingMonthsWithholdTheNewShare()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SanctionAsync(recipient, percent: 50);
        fixture.AdvanceToMidNextMonth();
        var appealId = (await FileAsync(recipient, sanction.DecisionId)).GetProperty("appealId").GetGuid();
        fixture.AdvanceToMidNextMonth();

        var third = fixture.SupervisorClient(HumanGateFixture.SecondSupervisor);
        var notLower = await third.PostAsJsonAsync($"/api/review/appeals/{appealId}/decide", new { outcome = "reduced", percent = 60, reason = "Réduction." });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notLower.StatusCode);
        Assert.True((await notLower.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("percent", out _));
        Assert.Equal(HttpStatusCode.OK, (await third.PostAsJsonAsync(
            $"/api/review/appeals/{appealId}/decide", new { outcome = "reduced", percent = 30, reason = "Une seule semaine est établie." })).StatusCode);

        var decision = await fixture.Events.WaitForAsync<AppealDecided>(e => e.AppealId == appealId);
        Assert.Equal(("reduced", 30, 2), (decision.Outcome, decision.Percent, decision.Months));
        var repaid = await fixture.Events.WaitForAsync<AppealRepaid>(e => e.AppealId == appealId);
        Assert.Equal(300m - 180m, repaid.AmountRepaid);
        var thisMonth = await AllocationAsync(recipient, fixture.MonthFromNow(0));
        Assert.Equal(600m - 180m + 120m, thisMonth.GetProperty("amountDue").GetDecimal());
        Assert.Equal(30, thisMonth.GetProperty("adjustments")[0].GetProperty("percent").GetInt32());
        var letter = await LetterTextAsync(recipient, await fixture.Review.ClientFor("recipient", recipient)
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/appeals/{appealId}"), "appeal-decided");
        Assert.Contains("la sanction est réduite : suspension de 30 % de votre RSA pendant 2 mois", letter, StringComparison.Ordinal);
    }

    /// <summary>
    /// The order found to pay twice: in the suspension's first month, the counsellor ends it from the second (the first
    /// month is paid back, in the second), then a third person annuls it the same month. The first month stays withheld
    /// and is paid back once, by the ending; the annulment has nothing left to pay back.
    /// </summary>
    [Fact]
    public async Task AnEndingThenAnAnnulmentInTheSameMonth_PaysTheWithheldMonthBackOnce()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SanctionAsync(recipient, percent: 50);
        fixture.AdvanceToMidNextMonth();
        var (thisMonth, nextMonth) = (fixture.MonthFromNow(0), fixture.MonthFromNow(1));
        var appealId = (await FileAsync(recipient, sanction.DecisionId)).GetProperty("appealId").GetGuid();

        Assert.Equal(HttpStatusCode.OK, (await fixture.CounsellorClient().PostAsJsonAsync(
            $"/api/review/suspensions/{sanction.DecisionId}/end", new { fromMonth = nextMonth, reason = "Reprise des démarches constatée." })).StatusCode);
        var lifted = await fixture.Events.WaitForAsync<SuspensionLifted>(e => e.DecisionId == sanction.DecisionId);
        Assert.Equal(300m, lifted.AmountRepaid);

        fixture.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SupervisorClient(HumanGateFixture.SecondSupervisor).PostAsJsonAsync(
            $"/api/review/appeals/{appealId}/decide", new { outcome = "annulled", reason = "L'hospitalisation de l'enfant excuse ces semaines." })).StatusCode);
        var repaid = await fixture.Events.WaitForAsync<AppealRepaid>(e => e.AppealId == appealId);
        Assert.Equal(0m, repaid.AmountRepaid);

        // The first month: 300 € withheld, as paid. The second: nothing withheld, and the first month's 300 € paid back once.
        var first = await AllocationAsync(recipient, thisMonth);
        Assert.Equal(300m, first.GetProperty("amountDue").GetDecimal());
        Assert.Empty(first.GetProperty("repayments").EnumerateArray());
        var second = await AllocationAsync(recipient, nextMonth);
        Assert.Equal(600m + 300m, second.GetProperty("amountDue").GetDecimal());
        Assert.Equal(300m, Assert.Single(second.GetProperty("repayments").EnumerateArray()).GetProperty("amount").GetDecimal());
    }

    /// <summary>
    /// A household of two may lose at most 50 % a month (CASF R262-68-6). Once a 50 % suspension is annulled on appeal it
    /// counts for nothing: a new sanction of 50 % for its second month is proposed, approved and applied.
    /// </summary>
    [Fact]
    public async Task AnAnnulledSuspension_NoLongerCountsAgainstTheHouseholdCap()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SanctionAsync(recipient, percent: 50, householdSize: 2);
        fixture.AdvanceToMidNextMonth();
        var appealId = (await FileAsync(recipient, sanction.DecisionId)).GetProperty("appealId").GetGuid();
        var secondMonth = fixture.MonthFromNow(1);

        var (flagId, caseId) = await fixture.RaiseFlagAsync(recipient, week: "2026-W51");
        Assert.Equal(HttpStatusCode.OK, (await fixture.CounsellorClient().PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        object Proposal() => new
        {
            percent = 50, months = 1, startMonth = secondMonth, reason = "Trois semaines sur quatre sans les heures prévues.", assessment = HumanGateFixture.Assessment,
        };
        var overCap = await fixture.CounsellorClient().PostAsJsonAsync($"/api/review/cases/{caseId}/sanction-proposals", Proposal());
        Assert.Equal(HttpStatusCode.Conflict, overCap.StatusCode);
        Assert.Equal(ProblemBase + "household-cap-exceeded", (await overCap.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        Assert.Equal(HttpStatusCode.OK, (await fixture.SupervisorClient(HumanGateFixture.SecondSupervisor).PostAsJsonAsync(
            $"/api/review/appeals/{appealId}/decide", new { outcome = "annulled", reason = "L'hospitalisation de l'enfant excuse ces semaines." })).StatusCode);
        await fixture.Events.WaitForAsync<AppealRepaid>(e => e.AppealId == appealId);

        var proposed = await fixture.CounsellorClient().PostAsJsonAsync($"/api/review/cases/{caseId}/sanction-proposals", Proposal());
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var proposal = await proposed.Content.ReadFromJsonAsync<JsonElement>();
        await fixture.AcknowledgeAsync(recipient, proposal.GetProperty("notificationId").GetGuid());
        Assert.Equal(HttpStatusCode.Created, (await fixture.Review.ClientFor("recipient", recipient).PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Rien à ajouter.", nothingToAdd = true })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Manquement établi." })).StatusCode);
        var second = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.RecipientId == recipient && e.DecisionId != sanction.DecisionId);
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == second.DecisionId);
        Assert.Equal(300m, (await AllocationAsync(recipient, secondMonth)).GetProperty("amountDue").GetDecimal());
    }

    [Fact]
    public async Task BadAppeals_AreRefusedWithProblemDetails_AndWriteNothing()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SanctionAsync(recipient);
        var me = fixture.Review.ClientFor("recipient", recipient);
        me.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        // Without reasons: 422 naming the field.
        var noReasons = await me.PostAsJsonAsync($"/api/recipients/{recipient}/appeals", new { decisionId = sanction.DecisionId, reasons = "  " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReasons.StatusCode);
        Assert.Equal("application/problem+json", noReasons.Content.Headers.ContentType!.MediaType);
        var errors = (await noReasons.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("an appeal without reasons cannot be examined", errors.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);

        // Another person's decision, or none: 404.
        var other = HumanGateFixture.NewRecipient();
        var notMine = await fixture.Review.ClientFor("recipient", other).PostAsJsonAsync(
            $"/api/recipients/{other}/appeals", new { decisionId = sanction.DecisionId, reasons = "Je conteste." });
        Assert.Equal(HttpStatusCode.NotFound, notMine.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/appeals", new { decisionId = Guid.NewGuid(), reasons = "Je conteste." })).StatusCode);
        // Someone else filing in the person's name online: 403.
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Review.ClientFor("recipient", other).PostAsJsonAsync(
            $"/api/recipients/{recipient}/appeals", new { decisionId = sanction.DecisionId, reasons = "Je conteste." })).StatusCode);
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM appeals WHERE sanction_decision_id = @DecisionId", new { sanction.DecisionId }));

        // Twice against the same decision: 409, and the first stands alone.
        await FileAsync(recipient, sanction.DecisionId);
        var twice = await me.PostAsJsonAsync($"/api/recipients/{recipient}/appeals", new { decisionId = sanction.DecisionId, reasons = "Encore." });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        var problem = await twice.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemBase + "appeal-exists", problem.GetProperty("type").GetString());
        Assert.Contains("already filed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var paperTwice = await fixture.CounsellorClient().PostAsJsonAsync(
            "/api/review/appeals", new { recipientId = recipient, decisionId = sanction.DecisionId, reasons = "Courrier.", receivedOn = Today() });
        Assert.Equal(HttpStatusCode.Conflict, paperTwice.StatusCode);
        Assert.Equal(1L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM appeals WHERE sanction_decision_id = @DecisionId", new { sanction.DecisionId }));
        Assert.Equal(1L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase,
            "SELECT count(*) FROM appeal_letters l JOIN appeals a USING (appeal_id) WHERE a.sanction_decision_id = @DecisionId", new { sanction.DecisionId }));
    }

    [Fact]
    public async Task ForgedOrUnsignedAppealDecisionsOnTheBus_MoveNoMoney_AndAreAudited()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SanctionAsync(recipient);
        fixture.AdvanceToMidNextMonth();
        fixture.AdvanceToMidNextMonth();
        AppealDecided Annulment(string decidedBy = HumanGateFixture.SecondSupervisor) => new(
            Guid.NewGuid(), Guid.NewGuid(), sanction.DecisionId, recipient, AppealOutcome.Annulled, 0, 0, decidedBy, fixture.Clock.GetUtcNow(), "", "")
        {
            EventId = Guid.NewGuid(),
            Producer = "review",
        };
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rogue = new DecisionSigner(Options.Create(new SigningOptions
        {
            ActiveKeyId = HumanGateFixture.KeyId, Keys = { [HumanGateFixture.KeyId] = rogueKey.ExportPkcs8PrivateKeyPem() },
        }));

        var forgeries = new (AppealDecided Message, string ReasonCode)[]
        {
            (rogue.Sign(Annulment()), "bad-signature"),
            (fixture.GenuineSigner.Sign(Annulment()) with { Signature = "" }, "bad-signature"),
            (fixture.GenuineSigner.Sign(Annulment()) with { Percent = 0, Outcome = AppealOutcome.Reduced }, "bad-signature"),
            (fixture.GenuineSigner.Sign(Annulment(sanction.ApprovedBy)), "appeal-instructor-took-part"),
            (fixture.GenuineSigner.Sign(Annulment() with { Outcome = AppealOutcome.Reduced, Percent = 40, Months = 2 }), "not-a-reduction"),
        };
        foreach (var (message, reasonCode) in forgeries)
        {
            await fixture.Events.PublishRawAsync(message, Guid.NewGuid());
            var rejected = await fixture.Events.WaitForAsync<AdjustmentRejected>(e => e.DecisionId == message.DecisionId);
            Assert.Equal(reasonCode, rejected.ReasonCode);
        }

        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM appeal_repayments WHERE recipient_id = @recipient", new { recipient }));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<AppealRepaid>(TimeSpan.FromMilliseconds(500), e => e.RecipientId == recipient));
        var thisMonth = await AllocationAsync(recipient, fixture.MonthFromNow(0));
        Assert.Equal(420m, thisMonth.GetProperty("amountDue").GetDecimal());
        Assert.Empty(thisMonth.GetProperty("repayments").EnumerateArray());
    }

    [Fact]
    public async Task ALatePaperAppeal_IsAcceptedAndMarkedLate_AndTwoMonthsOfSilence_GiveAnImplicitRejectionAndItsLetter()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SanctionAsync(recipient);
        var me = fixture.Review.ClientFor("recipient", recipient);
        var letterId = (await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/decision-letters"))
            .GetProperty("letters")[0].GetProperty("letterId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await me.PostAsync($"/api/recipients/{recipient}/decision-letters/{letterId}/acknowledgement", null)).StatusCode);
        foreach (var _ in Enumerable.Range(0, 3))
        {
            fixture.AdvanceToMidNextMonth();
        }

        // Received by post today, more than two months after the letter's receipt: accepted, and marked late.
        var paper = await fixture.CounsellorClient().PostAsJsonAsync(
            "/api/review/appeals", new { recipientId = recipient, decisionId = sanction.DecisionId, reasons = "Courrier : je n'ai pu répondre plus tôt.", receivedOn = Today() });
        Assert.Equal(HttpStatusCode.Created, paper.StatusCode);
        var appeal = await paper.Content.ReadFromJsonAsync<JsonElement>();
        var appealId = appeal.GetProperty("appealId").GetGuid();
        Assert.Equal(("paper", true, HumanGateFixture.Counsellor), (
            appeal.GetProperty("channel").GetString(), appeal.GetProperty("late").GetBoolean(), appeal.GetProperty("filedBy").GetString()));
        Assert.Contains("hors délai", await LetterTextAsync(recipient, appeal, "appeal-acknowledged"), StringComparison.Ordinal);

        // Two months of silence, on the service's clock.
        var rejectedOn = WeekCalendar.TodayIn(fixture.Clock.GetUtcNow()).AddMonths(2);
        fixture.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<AppealImplicitlyRejected>(TimeSpan.FromSeconds(1), e => e.AppealId == appealId));
        fixture.Clock.Advance(TimeSpan.FromDays(32));
        var rejection = await fixture.Events.WaitForAsync<AppealImplicitlyRejected>(e => e.AppealId == appealId);
        var tribunalBy = rejectedOn.AddMonths(2);
        Assert.Equal(
            (rejectedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), tribunalBy.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            (rejection.RejectedOn, rejection.TribunalBy));
        var now = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/appeals/{appealId}");
        Assert.Equal("implicitly-rejected", now.GetProperty("status").GetString());
        Assert.Equal(tribunalBy.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), now.GetProperty("tribunalBy").GetString());
        var text = await LetterTextAsync(recipient, now, "appeal-implicitly-rejected");
        Assert.Contains("votre recours est implicitement rejeté depuis le " + rejectedOn.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.Contains("Vous pouvez désormais saisir le tribunal administratif, jusqu'au " + tribunalBy.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(page => string.Join(" ", page.GetWords().Select(word => word.Text))));
    }
}
