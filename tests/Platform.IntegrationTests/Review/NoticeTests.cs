using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.IntegrationTests.Infrastructure;
using UglyToad.PdfPig;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// The notice of an envisaged sanction reaches the person (a real SMTP server, a PDF letter, the API), its first proof
/// of receipt starts the window, and nothing can be approved before it (CASF L262-37, décret n° 2025-478).
/// </summary>
public sealed partial class NoticeTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private const string ProblemBase = "https://xp-rsa.example/problems/";

    [Fact]
    public async Task TheNotice_ArrivesByEmail_WithThePdfLetter_WhoseTextHoldsTheFactsTheAmountTheDeadlineAndTheRightToBeHeard()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var address = $"{recipient}@notice.test";
        await fixture.SetAllocationAsync(recipient, monthly: 646.52m, householdSize: 1);
        var me = fixture.Review.ClientFor("recipient", recipient);
        Assert.Equal(HttpStatusCode.OK, (await me.PutAsJsonAsync($"/api/recipients/{recipient}/contact", new { email = address })).StatusCode);

        var (_, _, proposal) = await fixture.ProposeAsync(recipient, percent: 50, months: 2, acknowledge: false);
        var noticeId = proposal.GetProperty("notificationId").GetGuid();

        var email = await Smtp.WaitForMessageToAsync(address);
        var attachment = Assert.Single(email.Attachments.OfType<MimePart>());
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        using var pdfBytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(pdfBytes);
        var text = PdfText(pdfBytes.ToArray());

        // The facts week by week, the amount in euros, the deadline, the right to be heard with someone, the law.
        Assert.Contains("Semaine 2026-W44 : 4 h déclarées pour 15 h", text, StringComparison.Ordinal);
        Assert.Contains("2026-W45", text, StringComparison.Ordinal);
        Assert.Contains("2026-W47", text, StringComparison.Ordinal);
        Assert.Contains("Suspension de 50 % de votre RSA pendant 2 mois", text, StringComparison.Ordinal);
        Assert.Contains("323,26 € par mois", text, StringComparison.Ordinal);
        Assert.Contains("646,52 € au total", text, StringComparison.Ordinal);
        Assert.Contains("15 jours à compter de la réception", text, StringComparison.Ordinal);
        var deadlineIfReceivedAtOnce = TimeZoneInfo.ConvertTime(fixture.Clock.GetUtcNow().AddDays(15), Platform.Rules.Calendar.WeekCalendar.Paris);
        Assert.Contains($"reçu aujourd'hui, vous auriez jusqu'au {deadlineIfReceivedAtOnce.ToString("dd/MM/yyyy 'à' HH:mm", CultureInfo.InvariantCulture)}", text, StringComparison.Ordinal);
        Assert.Contains("demander à être entendu(e)", text, StringComparison.Ordinal);
        Assert.Contains("assister par la personne de votre choix", text, StringComparison.Ordinal);
        Assert.Contains("L262-37", text, StringComparison.Ordinal);
        Assert.Contains("2025-478", text, StringComparison.Ordinal);
        Assert.Contains("Numéro de suivi La Poste", text, StringComparison.Ordinal);

        // The e-mail's link is a proof of receipt, once; the window runs from it.
        var link = AcknowledgementLink().Match(email.TextBody ?? "");
        Assert.True(link.Success, "the e-mail holds no acknowledgement link");
        Assert.StartsWith("http://review.test/api/notices/acknowledge?token=", link.Value, StringComparison.Ordinal);
        fixture.Clock.Advance(TimeSpan.FromHours(30));
        var anonymous = fixture.Review.CreateClient();
        var followed = await anonymous.GetAsync(new Uri(link.Value).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        var receivedAt = fixture.Clock.GetUtcNow();
        var received = await fixture.Events.WaitForAsync<NoticeReceived>(e => e.NoticeId == noticeId);
        Assert.Equal((ReceiptChannel.EmailLink, receivedAt, receivedAt.AddDays(15)), (received.Channel, received.FirstReceivedAt, received.AnswerBy));
        var again = await anonymous.GetAsync(new Uri(link.Value).PathAndQuery);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Equal(ProblemBase + "acknowledgement-link-used", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        // The recipient's API shows the notice, received, with its deadline; in English on request; and the PDF.
        var notice = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/notices/{noticeId}");
        Assert.Equal(receivedAt, notice.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(receivedAt.AddDays(15), notice.GetProperty("answerBy").GetDateTimeOffset());
        Assert.Equal(323.26m, notice.GetProperty("sanction").GetProperty("monthlyAmount").GetDecimal());
        Assert.Equal(3, notice.GetProperty("facts").GetArrayLength());
        var english = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/notices/{noticeId}?language=en");
        Assert.Equal("Notice before a sanction: your rights", english.GetProperty("title").GetString());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/recipients/{recipient}/notices/{noticeId}.pdf");
        request.Headers.AcceptLanguage.ParseAdd("en-GB");
        var pdf = await me.SendAsync(request);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.Contains("ask to be heard", PdfText(await pdf.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        var list = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/notices");
        Assert.Equal(noticeId, Assert.Single(list.GetProperty("notices").EnumerateArray()).GetProperty("noticeId").GetGuid());
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Review.ClientFor("recipient", "r-someone-else").GetAsync($"/api/recipients/{recipient}/notices")).StatusCode);
    }

    [Fact]
    public async Task Approve_BeforeAnyProofOfReceipt_Is409_AndThePostalReceiptDateStartsTheWindow()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 646.52m, householdSize: 1);
        var (_, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 1, startMonth: fixture.MonthFromNow(2), acknowledge: false);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        var proposedOn = Platform.Rules.Calendar.WeekCalendar.TodayIn(fixture.Clock.GetUtcNow());
        var supervisor = fixture.SupervisorClient();

        // Long after sending, with no proof of receipt: no approval.
        fixture.Clock.Advance(TimeSpan.FromDays(16));
        var early = await supervisor.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Pas de réponse." });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        var problem = await early.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemBase + "notice-not-received", problem.GetProperty("type").GetString());
        Assert.Contains("reçu l'avis", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The registered letter was received two days after it was sent: the window runs from that day.
        var recorded = await fixture.CounsellorClient().PostAsJsonAsync(
            $"/api/review/notices/{noticeId}/postal-receipt", new { trackingReference = "1A 012 345 6789 0", receivedOn = proposedOn.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var notice = await recorded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("1A01234567890", notice.GetProperty("trackingReference").GetString());
        var midnight = proposedOn.AddDays(2).ToDateTime(TimeOnly.MinValue);
        var startOfDay = new DateTimeOffset(midnight, Platform.Rules.Calendar.WeekCalendar.Paris.GetUtcOffset(midnight));
        Assert.Equal(startOfDay, notice.GetProperty("receivedAt").GetDateTimeOffset());
        var received = await fixture.Events.WaitForAsync<NoticeReceived>(e => e.NoticeId == noticeId && e.Channel == ReceiptChannel.Post);
        Assert.Equal(startOfDay.AddDays(15), received.AnswerBy);

        // Sixteen days after sending is only fourteen after receipt: the window is still open.
        var stillOpen = await supervisor.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Pas de réponse." });
        Assert.Equal(HttpStatusCode.Conflict, stillOpen.StatusCode);
        Assert.Equal(ProblemBase + "observation-window-open", (await stillOpen.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        fixture.Clock.Advance(TimeSpan.FromDays(1));
        var approved = await supervisor.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Pas de réponse dans le délai." });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.ProposalId == proposalId);
        Assert.Equal(startOfDay, decision.ReceivedAt);
        Assert.True(fixture.Verifies(decision));
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);

        // The PDF letter now carries the tracking number and the date of receipt.
        var pdf = await fixture.CounsellorClient().GetByteArrayAsync($"/api/recipients/{recipient}/notices/{noticeId}/pdf");
        var text = PdfText(pdf);
        Assert.Contains("1A01234567890", text, StringComparison.Ordinal);
        Assert.Contains(proposedOn.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcknowledgingInTheApplication_IsAProofOfReceipt_OnlyTheFirstCounts()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, _, proposal) = await fixture.ProposeAsync(recipient, acknowledge: false);
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        fixture.Clock.Advance(TimeSpan.FromHours(3));
        var first = await fixture.AcknowledgeAsync(recipient, noticeId);
        var firstAt = first.GetProperty("receivedAt").GetDateTimeOffset();
        fixture.Clock.Advance(TimeSpan.FromHours(3));
        var second = await fixture.AcknowledgeAsync(recipient, noticeId);

        Assert.Equal(fixture.Clock.GetUtcNow().AddHours(-3), firstAt);
        Assert.Equal(firstAt, second.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(firstAt.AddDays(15), second.GetProperty("answerBy").GetDateTimeOffset());
        Assert.Single(second.GetProperty("receipts").EnumerateArray());
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<NoticeReceived>(TimeSpan.FromMilliseconds(500), e => e.NoticeId == noticeId));
    }

    [Fact]
    public async Task ANoticeNeverReceived_ClosesTheCaseInThePersonsFavour_AtTheCaseDeadline()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, caseId, proposal) = await fixture.ProposeAsync(recipient, acknowledge: false);

        fixture.Clock.Advance(TimeSpan.FromDays(60) + TimeSpan.FromHours(2));

        await fixture.Events.WaitForAsync<FlagExpired>(e => e.CaseId == caseId);
        Assert.Equal("expired", await HumanGateFixture.ScalarAsync<string>(fixture.ReviewDatabase, "SELECT state FROM proposals WHERE proposal_id = @id",
            new { id = proposal.GetProperty("proposalId").GetGuid() }));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<SanctionDecided>(TimeSpan.FromMilliseconds(500), e => e.RecipientId == recipient));
    }

    public static TheoryData<string, string, int, string> BadPostalReceipts => new()
    {
        { "wrong shape", "12345", 0, "trackingReference" },
        { "letters where digits go", "RRABCDEFGHIFR", 0, "trackingReference" },
        { "before the notice", "RR123456789FR", -1, "receivedOn" },
        { "in the future", "RR123456789FR", 2, "receivedOn" },
    };

    [Theory]
    [MemberData(nameof(BadPostalReceipts))]
    public async Task PostalReceipt_WithBadInput_Is422NamingTheField_AndWritesNothing(string why, string trackingReference, int daysFromNotice, string field)
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, _, proposal) = await fixture.ProposeAsync(recipient, acknowledge: false);
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        var receivedOn = Platform.Rules.Calendar.WeekCalendar.TodayIn(fixture.Clock.GetUtcNow()).AddDays(daysFromNotice).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var response = await fixture.CounsellorClient().PostAsJsonAsync($"/api/review/notices/{noticeId}/postal-receipt", new { trackingReference, receivedOn });

        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, why);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{why}: {problem}");
        Assert.Equal(0, await HumanGateFixture.ScalarAsync<long>(fixture.ReviewDatabase, "SELECT count(*) FROM notice_receipts WHERE notice_id = @noticeId", new { noticeId }));
        Assert.Equal(0, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM notices WHERE notice_id = @noticeId AND tracking_reference IS NOT NULL", new { noticeId }));
        Assert.Equal(0, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM proposals WHERE notification_id = @noticeId AND received_at IS NOT NULL", new { noticeId }));
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(page => string.Join(" ", page.GetWords().Select(word => word.Text))));
    }

    [GeneratedRegex(@"https?://\S+/api/notices/acknowledge\?token=[A-Za-z0-9_-]+")]
    private static partial Regex AcknowledgementLink();
}
