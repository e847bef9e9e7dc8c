using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Platform.Contracts.Rules;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review;

namespace Platform.IntegrationTests.Review;

/// <summary>The notices' e-mail outbox: an SMTP server that is down loses nothing, the e-mail goes once it is back.</summary>
public sealed class NoticeMailRetryTests
{
    [Fact]
    public async Task ANoticeEmail_WhileTheSmtpServerIsDown_StaysInTheOutbox_AndIsSentOnceTheServerIsBack()
    {
        var servers = await PlatformServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("review");
        var virtualHost = await servers.CreateVirtualHostAsync("review");
        await using var events = await EventProbe.StartAsync(servers.Amqp, virtualHost);
        await using var smtp = TcpProxy.Start(Smtp.Host, Smtp.Port);
        smtp.Cut();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clock = new FakeTimeProvider(HumanGateFixture.Now);
        await using var review = new ServiceHost<ReviewService>(database, servers.Amqp, virtualHost, clock, new Dictionary<string, string?>
        {
            ["Signing:ActiveKeyId"] = "review-test-1",
            ["Signing:Keys:review-test-1"] = key.ExportPkcs8PrivateKeyPem(),
            ["Notices:SmtpHost"] = "127.0.0.1",
            ["Notices:SmtpPort"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notices:MailPollInterval"] = "00:00:01",
        });
        try
        {
            _ = review.Server;
            var recipient = HumanGateFixture.NewRecipient();
            var address = $"{recipient}@retry.test";
            Assert.Equal(HttpStatusCode.OK, (await review.ClientFor("recipient", recipient)
                .PutAsJsonAsync($"/api/recipients/{recipient}/contact", new { email = address })).StatusCode);
            var flagId = Guid.NewGuid();
            await events.PublishRawAsync(new FlagRaised(
                flagId, recipient, "2026-W47", "repeated-shortfall", 1,
                JsonDocument.Parse("""{"weeks":["2026-W45","2026-W46","2026-W47"],"declaredHours":[4,6,3],"engagementHours":15}""").RootElement,
                new Dictionary<string, decimal>(), new Explanation("Heures sous l'engagement.", "Hours below the engagement."), true)
            { EventId = Guid.NewGuid(), Producer = "rules", OccurredAt = clock.GetUtcNow() }, Guid.NewGuid());
            await HumanGateFixture.WaitUntilAsync(database, "SELECT count(*) FROM cases WHERE flag_id = @flagId", new { flagId });
            var caseId = await HumanGateFixture.ScalarAsync<Guid>(database, "SELECT case_id FROM cases WHERE flag_id = @flagId", new { flagId });
            var counsellor = review.ClientFor("counsellor", "agent-c1");
            Assert.Equal(HttpStatusCode.OK, (await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
            var proposed = await counsellor.PostAsJsonAsync($"/api/review/cases/{caseId}/sanction-proposals",
                new
                {
                    percent = 30, months = 1, startMonth = "2026-12", reason = "Trois semaines sous l'engagement.",
                    assessment = new { vulnerability = "Aucune connue.", dependants = "Personne seule.", natureAndFrequency = "Premier manquement.", consequences = "Loyer couvert." },
                });
            Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
            var noticeId = (await proposed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("notificationId").GetGuid();

            // The server is down: the attempt fails, the e-mail stays in the outbox with its reason, nothing was sent.
            await HumanGateFixture.WaitUntilAsync(
                database, "SELECT count(*) FROM notice_emails WHERE notice_id = @noticeId AND attempts >= 1 AND sent_at IS NULL AND last_error IS NOT NULL",
                new { noticeId });
            Assert.Equal(0, await Smtp.CountToAsync(address));

            // Back up: at the next attempt (30 s later on the service's clock) the e-mail goes, once.
            smtp.Open();
            clock.Advance(TimeSpan.FromSeconds(31));
            var email = await Smtp.WaitForMessageToAsync(address);
            Assert.Contains("acknowledge?token=", email.TextBody ?? "", StringComparison.Ordinal);
            await HumanGateFixture.WaitUntilAsync(
                database, "SELECT count(*) FROM notice_emails WHERE notice_id = @noticeId AND sent_at IS NOT NULL AND link_token IS NULL", new { noticeId });
            Assert.Equal(1, await Smtp.CountToAsync(address));
        }
        finally
        {
            await servers.DeleteVirtualHostAsync(virtualHost);
        }
    }
}
