using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Contracts.Allocations;
using Platform.Contracts.Declarations;
using Platform.Contracts.Review;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review.Sanctions;
using UglyToad.PdfPig;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// A suspension ends early only on a signed decision of a person: the recipient says they meet their obligations
/// again, a counsellor holding a delegation decides from which month, the review service signs and writes its letter, the
/// allocations service verifies. An
/// engagement re-entered, and anything forged, altered, replayed or published by another account, changes nothing.
/// </summary>
public sealed class SuspensionEndingTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    /// <summary>
    /// A 2-month, 30 % suspension of a 600 € allocation, decided this month to start next month (never retroactive) and
    /// applied; the clock then moves to mid next month, so the suspension runs this month and next. Returns its decision.
    /// </summary>
    private async Task<SanctionDecided> SuspendAsync(string recipient)
    {
        await fixture.SetAllocationAsync(recipient, monthly: 600m);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 2, startMonth: fixture.MonthFromNow(1));
        await fixture.Review.ClientFor("recipient", recipient)
            .PostAsJsonAsync($"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Je conteste ; je n'ai rien à ajouter.", nothingToAdd = true });
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var approved = await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Manquement établi." });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.RecipientId == recipient);
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
        fixture.AdvanceToMidNextMonth();
        return decision;
    }

    private SuspensionEnded Ending(SanctionDecided sanction, string fromMonth) =>
        fixture.GenuineSigner.Sign(new SuspensionEnded(
            Guid.NewGuid(), sanction.DecisionId, sanction.RecipientId, fromMonth, "agent-c1", "Reprise des démarches constatée.", null,
            fixture.Clock.GetUtcNow(), "", "")
        {
            EventId = Guid.NewGuid(),
            Producer = "review",
        });

    /// <summary>What the recipient sees for the suspension's second month, and what the database holds.</summary>
    private async Task AssertUnchangedAsync(string recipient, SanctionDecided sanction)
    {
        var allocation = await fixture.Allocations.ClientFor("recipient", recipient)
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={fixture.MonthFromNow(1)}");
        Assert.Equal(420m, allocation.GetProperty("amountDue").GetDecimal());
        Assert.Empty(allocation.GetProperty("repayments").EnumerateArray());
        Assert.Equal(1L, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase,
            "SELECT count(*) FROM adjustments WHERE decision_id = @DecisionId AND lifted_from_month IS NULL AND amount_repaid IS NULL",
            new { sanction.DecisionId }));
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM suspension_endings WHERE recipient_id = @recipient", new { recipient }));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<SuspensionLifted>(TimeSpan.FromMilliseconds(500), e => e.RecipientId == recipient));
    }

    [Fact]
    public async Task AnEngagementSetDuringASuspension_ChangesNoAllocation()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SuspendAsync(recipient);

        var engagement = new EngagementSet(recipient, 12, "2026-W53", HumanGateFixture.Counsellor) { EventId = Guid.NewGuid(), Producer = "declarations" };
        await fixture.Events.PublishRawAsync(engagement, Guid.NewGuid());
        // Also an unsigned ending right after it: the allocations service sees it, refuses it, and nothing moves.
        var unsigned = Ending(sanction, fixture.MonthFromNow(1)) with { Signature = "" };
        await fixture.Events.PublishRawAsync(unsigned, Guid.NewGuid());
        await fixture.Events.WaitForAsync<AdjustmentRejected>(e => e.DecisionId == unsigned.DecisionId);
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM inbox WHERE consumer LIKE 'EngagementSet%'"));

        await AssertUnchangedAsync(recipient, sanction);
    }

    [Fact]
    public async Task TheRecipientSaysTheyMeetTheirObligations_ACounsellorEndsTheSuspension_ItIsLiftedAndRepaid()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SuspendAsync(recipient);
        var thisMonth = fixture.MonthFromNow(0);
        var nextMonth = fixture.MonthFromNow(1);

        var said = await fixture.Review.ClientFor("recipient", recipient)
            .PostAsJsonAsync($"/api/recipients/{recipient}/obligations-met", new { text = "J'ai repris mes recherches : 3 entretiens." });
        Assert.Equal(HttpStatusCode.Created, said.StatusCode);
        var statementId = (await said.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statementId").GetGuid();
        await fixture.Events.WaitForAsync<ObligationsMetStated>(e => e.StatementId == statementId);
        // Saying it moves no money.
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<SuspensionLifted>(TimeSpan.FromMilliseconds(300), e => e.RecipientId == recipient));

        var tooLate = await fixture.CounsellorClient().PostAsJsonAsync(
            $"/api/review/suspensions/{sanction.DecisionId}/end", new { fromMonth = fixture.MonthFromNow(2), reason = "Hors suspension." });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLate.StatusCode);

        // Ending is a decision of the président: a counsellor without a delegation in force is refused, and nothing is written.
        var undelegated = fixture.CounsellorClient("agent-c-undelegated");
        undelegated.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var refused = await undelegated.PostAsJsonAsync(
            $"/api/review/suspensions/{sanction.DecisionId}/end", new { fromMonth = nextMonth, reason = "Reprise des démarches.", statementId });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://xp-rsa.example/problems/no-delegation", problem.GetProperty("type").GetString());
        Assert.Contains("no delegation in force", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM suspension_endings WHERE sanction_decision_id = @DecisionId", new { sanction.DecisionId }));

        var ended = await fixture.CounsellorClient().PostAsJsonAsync(
            $"/api/review/suspensions/{sanction.DecisionId}/end",
            new { fromMonth = nextMonth, reason = "Reprise des démarches constatée en entretien.", statementId });
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var ending = await fixture.Events.WaitForAsync<SuspensionEnded>(e => e.SanctionDecisionId == sanction.DecisionId);
        Assert.Equal(HumanGateFixture.Counsellor, ending.DecidedBy);
        Assert.Equal(HumanGateFixture.KeyId, ending.KeyId);
        Assert.Equal(fixture.Events.User, fixture.Events.Received.First(e => e.Is<SuspensionEnded>()).UserId);

        var lifted = await fixture.Events.WaitForAsync<SuspensionLifted>(e => e.RecipientId == recipient);
        Assert.Equal(sanction.DecisionId, lifted.DecisionId);
        Assert.Equal(ending.DecisionId, lifted.EndingDecisionId);
        Assert.Equal(nextMonth, lifted.FromMonth);
        Assert.Equal(180m, lifted.AmountRepaid);
        var allocations = fixture.Allocations.ClientFor("recipient", recipient);
        var first = await allocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={thisMonth}");
        var second = await allocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={nextMonth}");
        Assert.Equal(420m, first.GetProperty("amountDue").GetDecimal());
        Assert.Equal(780m, second.GetProperty("amountDue").GetDecimal());
        Assert.Equal(0m, second.GetProperty("adjustments")[0].GetProperty("amount").GetDecimal());
        Assert.Equal(180m, second.GetProperty("repayments")[0].GetProperty("amount").GetDecimal());

        // Its letter, issued with the decision and published (DecisionLetterIssued) like every decision letter: which
        // suspension ends and from when, why, by whom under which delegation, the seal, what it changes, the rules.
        var issued = await fixture.Events.WaitForAsync<DecisionLetterIssued>(e => e.DecisionId == ending.DecisionId);
        Assert.Equal(("suspension-ended", recipient), (issued.Kind, issued.RecipientId));
        var me = fixture.Review.ClientFor("recipient", recipient);
        var letters = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/decision-letters");
        var letter = letters.GetProperty("letters").EnumerateArray().Single(item => item.GetProperty("kind").GetString() == "suspension-ended");
        Assert.Equal((issued.LetterId, ending.DecisionId, HumanGateFixture.Counsellor), (
            letter.GetProperty("letterId").GetGuid(), letter.GetProperty("decisionId").GetGuid(), letter.GetProperty("decidedBy").GetString()));
        var text = PdfText(await me.GetByteArrayAsync(letter.GetProperty("pdfUrl").GetString()));
        Assert.Contains($"Décision : fin de la suspension de votre RSA à partir de {nextMonth}", text, StringComparison.Ordinal);
        Assert.Contains($"il est mis fin, à partir de {nextMonth}, à la suspension de 30 % de votre RSA pendant 2 mois à compter de {thisMonth}", text, StringComparison.Ordinal);
        Assert.Contains($"décision n° {sanction.DecisionId:D}", text, StringComparison.Ordinal);
        Assert.Contains("Reprise des démarches constatée en entretien.", text, StringComparison.Ordinal);
        Assert.Contains("dans la limite de trois mois d'allocation", text, StringComparison.Ordinal);
        Assert.Contains($"par Délégataire {HumanGateFixture.Counsellor}, responsable du service RSA", text, StringComparison.Ordinal);
        Assert.Contains(TestDelegations.Reference, text, StringComparison.Ordinal);
        Assert.Contains($"Décision n° {ending.DecisionId:D}, signée avec la clé {HumanGateFixture.KeyId}", text, StringComparison.Ordinal);
        Assert.Contains("droit d'obtenir la communication de ses règles", text, StringComparison.Ordinal);
        Assert.Contains("Cette décision vous est favorable", text, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, letter.GetProperty("appealBy").ValueKind);
        var english = PdfText(await me.GetByteArrayAsync(letter.GetProperty("pdfUrl").GetString() + "?language=en"));
        Assert.Contains($"Decision: the suspension of your RSA ends from {nextMonth}", english, StringComparison.Ordinal);
        var seal = await fixture.Review.CreateClient().GetFromJsonAsync<JsonElement>(
            $"/api/decisions/{ending.DecisionId}/seal?s={ending.Signature.TrimEnd('=').Replace('+', '-').Replace('/', '_')[..22]}");
        Assert.True(seal.GetProperty("verifies").GetBoolean());
        // It is in the person's favour: it cannot be appealed as a sanction.
        Assert.Equal(HttpStatusCode.NotFound, (await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/appeals", new { decisionId = ending.DecisionId, reasons = "Je conteste." })).StatusCode);

        // A suspension ends once.
        var again = await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/suspensions/{sanction.DecisionId}/end", new { fromMonth = nextMonth, reason = "Encore." });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    public static TheoryData<string, string> Forgeries => new()
    {
        { "rogue-key", "bad-signature" },
        { "tampered-month", "bad-signature" },
        { "tampered-recipient", "bad-signature" },
        { "unknown-key-id", "unknown-key" },
        { "no-signature", "bad-signature" },
        { "sanction-signature-reused", "bad-signature" },
        { "no-publisher", "unknown-publisher" },
        { "unknown-suspension", "no-suspension" },
        { "outside-suspension", "outside-suspension" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task AnEndingPublishedOnTheBus_ThatIsForgedOrOutOfBounds_ChangesNothing_AndIsAudited(string forgery, string reasonCode)
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SuspendAsync(recipient);
        var genuine = Ending(sanction, fixture.MonthFromNow(1));
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rogue = new DecisionSigner(Options.Create(new SigningOptions
        {
            ActiveKeyId = HumanGateFixture.KeyId, Keys = { [HumanGateFixture.KeyId] = rogueKey.ExportPkcs8PrivateKeyPem() },
        }));
        using var unknown = new DecisionSigner(Options.Create(new SigningOptions
        {
            ActiveKeyId = "review-9", Keys = { ["review-9"] = rogueKey.ExportPkcs8PrivateKeyPem() },
        }));
        var message = forgery switch
        {
            "rogue-key" => rogue.Sign(genuine),
            "tampered-month" => genuine with { FromMonth = fixture.MonthFromNow(0) },
            "tampered-recipient" => genuine with { RecipientId = recipient + "x" },
            "unknown-key-id" => unknown.Sign(genuine),
            "no-signature" => genuine with { Signature = "" },
            "sanction-signature-reused" => genuine with { Signature = sanction.Signature },
            "unknown-suspension" => fixture.GenuineSigner.Sign(genuine with { SanctionDecisionId = Guid.NewGuid() }),
            "outside-suspension" => fixture.GenuineSigner.Sign(genuine with { FromMonth = fixture.MonthFromNow(2) }),
            _ => genuine,
        };

        await fixture.Events.PublishRawAsync(message, Guid.NewGuid(), withUserId: forgery != "no-publisher");

        var rejected = await fixture.Events.WaitForAsync<AdjustmentRejected>(e => e.DecisionId == genuine.DecisionId);
        Assert.Equal(reasonCode, rejected.ReasonCode);
        Assert.Equal("allocations", rejected.Producer);
        await AssertUnchangedAsync(recipient, sanction);
    }

    [Fact]
    public async Task AGenuineEndingDeliveredAgain_OrReplayedUnderANewMessageId_HasOneEffect()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var sanction = await SuspendAsync(recipient);
        var ending = Ending(sanction, fixture.MonthFromNow(1));
        var messageId = Guid.NewGuid();

        await fixture.Events.PublishRawAsync(ending, messageId);
        await fixture.Events.WaitForAsync<SuspensionLifted>(e => e.EndingDecisionId == ending.DecisionId);
        await fixture.Events.PublishRawAsync(ending, messageId);
        await fixture.Events.PublishRawAsync(ending, Guid.NewGuid());

        var replay = await fixture.Events.WaitForAsync<AdjustmentRejected>(e => e.DecisionId == ending.DecisionId);
        Assert.Equal("replay", replay.ReasonCode);
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<SuspensionLifted>(TimeSpan.FromSeconds(1), e => e.RecipientId == recipient));
        Assert.Equal(1L, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM suspension_endings WHERE recipient_id = @recipient", new { recipient }));
        var allocation = await fixture.Allocations.ClientFor("recipient", recipient)
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={fixture.MonthFromNow(1)}");
        Assert.Equal(780m, allocation.GetProperty("amountDue").GetDecimal());
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(page => string.Join(" ", page.GetWords().Select(word => word.Text))));
    }
}
