using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.IntegrationTests.Infrastructure;
using UglyToad.PdfPig;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// One letter of each kind the review service sends, as it sends them, on real servers and the fixture's clock: the
/// notice before a sanction, the decision letter, the appeal's acknowledgement, the decision on the appeal, the
/// implicit rejection after two months of silence, and the letter of a suspension ended early. Each PDF is checked for its title and written under
/// <c>artifacts/letters/</c>, where <c>deploy/local/letters.sh</c> renders their first pages as the PNGs of <c>docs/letters/</c>.
/// </summary>
public sealed class LetterSpecimenTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    public static readonly string Folder = Path.Combine(PlatformProcesses.RepositoryRoot, "artifacts", "letters");

    private static readonly string[] Documents = ["bulletin d'hospitalisation du 3 novembre"];

    [Fact]
    public async Task EveryKindOfLetter_IsWritten_FromARealRun()
    {
        Directory.CreateDirectory(Folder);

        // A sanction: its notice, then its decision letter.
        var annulled = HumanGateFixture.NewRecipient();
        var (noticeId, decisionId) = await SanctionAsync(annulled);
        var me = fixture.Review.ClientFor("recipient", annulled);
        await SaveAsync(me, $"/api/recipients/{annulled}/notices/{noticeId}.pdf", "notice", "demander à être entendu(e)");
        var letterId = (await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{annulled}/decision-letters")).GetProperty("letters")[0].GetProperty("letterId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await me.PostAsync($"/api/recipients/{annulled}/decision-letters/{letterId}/acknowledgement", null)).StatusCode);
        await SaveAsync(me, $"/api/recipients/{annulled}/decision-letters/{letterId}.pdf", "decision-sanction-approved", "recours administratif préalable obligatoire");

        // Its appeal: acknowledged at once, then annulled by a third person after the commission's opinion.
        var appeal = await FileAsync(annulled, decisionId);
        var appealId = appeal.GetProperty("appealId").GetGuid();
        await SaveAsync(me, PdfUrl(appeal, "appeal-acknowledged"), "appeal-acknowledged", "Accusé de réception de votre recours préalable");
        var third = fixture.SupervisorClient(HumanGateFixture.SecondSupervisor);
        Assert.Equal(HttpStatusCode.OK, (await third.PostAsJsonAsync(
            $"/api/review/appeals/{appealId}/commission-opinion", new { opinion = "La commission estime l'hospitalisation établie." })).StatusCode);
        var decided = await third.PostAsJsonAsync($"/api/review/appeals/{appealId}/decide", new { outcome = "annulled", reason = "L'hospitalisation de l'enfant excuse ces semaines." });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        await SaveAsync(me, PdfUrl(await decided.Content.ReadFromJsonAsync<JsonElement>(), "appeal-decided"), "appeal-decided", "la sanction est annulée");

        // Another appeal left unanswered for two months, on the service's clock: the implicit rejection's letter.
        var silent = HumanGateFixture.NewRecipient();
        var (_, silentDecision) = await SanctionAsync(silent);
        var silentAppeal = (await FileAsync(silent, silentDecision)).GetProperty("appealId").GetGuid();
        fixture.Clock.Advance(TimeSpan.FromDays(62));
        await fixture.Events.WaitForAsync<AppealImplicitlyRejected>(e => e.AppealId == silentAppeal);
        var rejected = await fixture.Review.ClientFor("recipient", silent).GetFromJsonAsync<JsonElement>($"/api/recipients/{silent}/appeals/{silentAppeal}");
        await SaveAsync(fixture.Review.ClientFor("recipient", silent), PdfUrl(rejected, "appeal-implicitly-rejected"), "appeal-implicitly-rejected", "implicitement rejeté");

        // A suspension ended early, in its first month, from the next: the ending's letter.
        var ended = HumanGateFixture.NewRecipient();
        var (_, endedDecision) = await SanctionAsync(ended);
        fixture.AdvanceToMidNextMonth();
        Assert.Equal(HttpStatusCode.OK, (await fixture.CounsellorClient().PostAsJsonAsync(
            $"/api/review/suspensions/{endedDecision}/end", new { fromMonth = fixture.MonthFromNow(1), reason = "Reprise des démarches constatée en entretien." })).StatusCode);
        var endedLetters = await fixture.Review.ClientFor("recipient", ended).GetFromJsonAsync<JsonElement>($"/api/recipients/{ended}/decision-letters");
        await SaveAsync(
            fixture.Review.ClientFor("recipient", ended),
            endedLetters.GetProperty("letters").EnumerateArray().Single(letter => letter.GetProperty("kind").GetString() == "suspension-ended").GetProperty("pdfUrl").GetString()!,
            "decision-suspension-ended",
            "fin de la suspension de votre RSA");
    }

    /// <summary>A 30 % sanction for two months, proposed, heard (nothing to add) and approved by a second person; returns the notice and the signed decision.</summary>
    private async Task<(Guid NoticeId, Guid DecisionId)> SanctionAsync(string recipient)
    {
        await fixture.SetAllocationAsync(recipient, monthly: 600m);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 2, startMonth: fixture.MonthFromNow(1));
        Assert.Equal(HttpStatusCode.Created, (await fixture.Review.ClientFor("recipient", recipient).PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Mon fils était hospitalisé ; rien à ajouter.", nothingToAdd = true })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Manquement établi." })).StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.RecipientId == recipient);
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
        return (proposal.GetProperty("notificationId").GetGuid(), decision.DecisionId);
    }

    private async Task<JsonElement> FileAsync(string recipient, Guid decisionId)
    {
        var filed = await fixture.Review.ClientFor("recipient", recipient).PostAsJsonAsync(
            $"/api/recipients/{recipient}/appeals", new { decisionId, reasons = "Mon fils était hospitalisé ces semaines-là.", documents = Documents });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        return await filed.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string PdfUrl(JsonElement appeal, string kind) =>
        appeal.GetProperty("letters").EnumerateArray().Single(letter => letter.GetProperty("kind").GetString() == kind).GetProperty("pdfUrl").GetString()!;

    /// <summary>Reads the PDF as the person would, checks it says <paramref name="expected"/>, and writes it as <paramref name="name"/>.pdf.</summary>
    private static async Task SaveAsync(HttpClient client, string path, string name, string expected)
    {
        var pdf = await client.GetByteArrayAsync(path);
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join("\n", document.GetPages().Select(page => string.Join(" ", page.GetWords().Select(word => word.Text))));
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        await File.WriteAllBytesAsync(Path.Combine(Folder, name + ".pdf"), pdf);
    }
}
