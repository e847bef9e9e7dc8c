using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.Contracts.Declarations;

namespace Platform.IntegrationTests.Audit;

public sealed class AuditCaptureTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private static string NewRecipient() => $"r-{Guid.NewGuid():N}"[..18];

    private static object Declaration(decimal hours) =>
        new { activities = new[] { new { category = "job-search", date = "2026-11-23", hours } } };

    private async Task WaitForRecipientEntriesAsync(string recipient, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE recipient_id = @recipient", new { recipient }) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The audit log did not receive {count} events about the recipient.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task EventsOfAnotherService_LandInTheLog_InProducerOrder_Once_WithTheBodyAsReceived()
    {
        var recipient = NewRecipient();
        var counsellor = fixture.Declarations.ClientFor("counsellor", "agent-1");
        var client = fixture.Declarations.ClientFor("recipient", recipient);
        Assert.True((await counsellor.PutAsJsonAsync($"/api/recipients/{recipient}/engagement", new { hoursPerWeek = 15, fromWeek = "2026-W45" })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync($"/api/recipients/{recipient}/declarations/2026-W48", Declaration(3))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/recipients/{recipient}/declarations/2026-W48", Declaration(5))).StatusCode);

        await WaitForRecipientEntriesAsync(recipient, 3);
        await Task.Delay(500); // a second copy, if any were to come, would come now
        var rows = await fixture.QueryAsync<Row>(
            "SELECT position, message_id, message_type, producer, producer_sequence, body FROM audit_log WHERE recipient_id = @recipient ORDER BY position",
            new { recipient });

        Assert.Equal(3, rows.Count);
        Assert.Equal(
            ["urn:message:Platform.Contracts.Declarations:EngagementSet", "urn:message:Platform.Contracts.Declarations:DeclarationSubmitted",
             "urn:message:Platform.Contracts.Declarations:DeclarationSubmitted"],
            rows.Select(row => row.MessageType));
        Assert.All(rows, row => Assert.Equal("declarations", row.Producer));
        Assert.True(rows[0].ProducerSequence < rows[1].ProducerSequence && rows[1].ProducerSequence < rows[2].ProducerSequence);
        foreach (var row in rows)
        {
            var delivered = fixture.Events.Received.Single(received => received.MessageId == row.MessageId);
            Assert.Equal(delivered.Body.GetRawText(), Encoding.UTF8.GetString(row.Body));
        }

        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_log l WHERE sha256(audit_canonical(l)) <> l.entry_hash"));
        var verification = await fixture.Audit.ClientFor("auditor", "auditor-7").GetFromJsonAsync<JsonElement>("/api/audit/verification");
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
        Assert.True(verification.GetProperty("entries").GetInt64() >= 3);
    }

    [Fact]
    public async Task TheSameMessagePublishedAgain_AppendsNothing()
    {
        var recipient = NewRecipient();
        var original = new EngagementSet(recipient, 10m, "2026-W49", "agent-1")
        {
            EventId = Guid.NewGuid(), Producer = "redelivery-test", ProducerSequence = 1, OccurredAt = AuditFixture.Now,
        };
        var later = original with { EventId = Guid.NewGuid(), ProducerSequence = 2 };

        await fixture.PublishAsync(original);
        await fixture.PublishAsync(original);
        await fixture.PublishAsync(later);
        await fixture.WaitForEntriesAsync(original.EventId, later.EventId);

        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE message_id = @EventId", new { original.EventId }));
        Assert.Equal(2, await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE recipient_id = @recipient", new { recipient }));
    }

    [Fact]
    public async Task AnUnreadableMessage_DoesNotHoldBackTheEventsAfterIt()
    {
        var recipient = NewRecipient();
        EngagementSet Numbered(int sequence) => new(recipient, 10m, "2026-W49", "agent-1")
        {
            EventId = Guid.NewGuid(), Producer = "garbage-test", ProducerSequence = sequence, OccurredAt = AuditFixture.Now,
        };
        var before = Numbered(1);
        var after = Numbered(2);

        await fixture.PublishAsync(before); // also binds the contract's exchange to the one the log listens on
        await fixture.WaitForEntriesAsync(before.EventId);
        await fixture.Events.PublishGarbageAsync<EngagementSet>("{ this is not an envelope");
        await fixture.PublishAsync(after);
        await fixture.WaitForEntriesAsync(after.EventId);

        Assert.Equal(2, await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE recipient_id = @recipient", new { recipient }));
    }

    [Fact]
    public async Task Events_ArePagedByKeyset_FilteredByRecipientAndType_AndEveryQueryIsRecorded()
    {
        var recipient = NewRecipient();
        var published = Enumerable.Range(1, 3).Select(i => new EngagementSet(recipient, 10m + i, "2026-W49", "agent-1")
        {
            EventId = Guid.NewGuid(), Producer = "paging-test", ProducerSequence = i, OccurredAt = AuditFixture.Now.AddMinutes(i),
        }).ToList();
        foreach (var message in published)
        {
            await fixture.PublishAsync(message);
        }

        await fixture.WaitForEntriesAsync([.. published.Select(message => message.EventId)]);
        var auditor = fixture.Audit.ClientFor("auditor", "auditor-7");

        var first = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/events?recipient={recipient}&limit=2");
        var next = first.GetProperty("next").GetString();
        var second = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/events?recipient={recipient}&limit=2&cursor={next}");
        var engagements = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/events?recipient={recipient}&type=EngagementSet");
        var declarations = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/events?recipient={recipient}&type=DeclarationSubmitted");
        var window = await auditor.GetFromJsonAsync<JsonElement>(
            $"/api/audit/events?recipient={recipient}&from=2026-11-26T09:01:30Z&to=2026-11-26T09:03:00Z");

        Assert.NotNull(next);
        var ids = first.GetProperty("events").EnumerateArray().Concat(second.GetProperty("events").EnumerateArray())
            .Select(e => e.GetProperty("messageId").GetGuid()).ToList();
        Assert.Equal(published.Select(message => message.EventId), ids);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal(3, engagements.GetProperty("events").GetArrayLength());
        Assert.Equal(0, declarations.GetProperty("events").GetArrayLength());
        var inWindow = Assert.Single(window.GetProperty("events").EnumerateArray());
        Assert.Equal(published[1].EventId, inWindow.GetProperty("messageId").GetGuid());
        // The body as MassTransit serialised it (decimals as strings), not re-serialised by the log.
        Assert.Equal("12", inWindow.GetProperty("body").GetProperty("hoursPerWeek").ToString());
        Assert.Equal(5, await fixture.CountAsync(
            "SELECT count(*) FROM audit_access WHERE auditor = 'auditor-7' AND action = 'events' AND recipient_id = @recipient", new { recipient }));
    }

    [Fact]
    public async Task Events_WithAnInvalidInstant_Returns422()
    {
        var response = await fixture.Audit.ClientFor("auditor", "auditor-7").GetAsync("/api/audit/events?from=yesterday");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("from", out _));
    }

    [Theory]
    [InlineData("counsellor")]
    [InlineData("supervisor")]
    [InlineData("recipient")]
    public async Task TheLog_IsForAuditorsOnly(string role)
    {
        var client = fixture.Audit.ClientFor(role, "someone");

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/audit/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/audit/verification")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/audit/replay?recipient=r-1&at=2026-11-26T09:00:00Z")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Audit.CreateClient().GetAsync("/api/audit/events")).StatusCode);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET recipient_id = 'someone-else'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    [InlineData("DELETE FROM audit_access")]
    public async Task TheDatabase_RefusesToChangeTheLog_EvenToASuperuser(string sql)
    {
        // Row triggers fire only on rows: make sure there is an entry and an access record to change.
        var entry = new EngagementSet(NewRecipient(), 10m, "2026-W49", "agent-1")
        {
            EventId = Guid.NewGuid(), Producer = $"append-only-{Guid.NewGuid():N}", ProducerSequence = 1, OccurredAt = AuditFixture.Now,
        };
        await fixture.PublishAsync(entry);
        await fixture.WaitForEntriesAsync(entry.EventId);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Audit.ClientFor("auditor", "auditor-7").GetAsync("/api/audit/events?limit=1")).StatusCode);
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();

        var refused = await Assert.ThrowsAsync<PostgresException>(() => Dapper.SqlMapper.ExecuteAsync(connection, sql));

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_ShowsTheDeclarationAsTheLiveServiceShowedItThen()
    {
        var recipient = NewRecipient();
        var client = fixture.Declarations.ClientFor("recipient", recipient);
        var url = $"/api/recipients/{recipient}/declarations/2026-W48";
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync(url, Declaration(3))).StatusCode);
        var shownThen = await client.GetFromJsonAsync<JsonElement>(url);
        var then = fixture.Clock.GetUtcNow();
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync(url, Declaration(5))).StatusCode);
        var shownNow = await client.GetFromJsonAsync<JsonElement>(url);
        await WaitForRecipientEntriesAsync(recipient, 2);
        var auditor = fixture.Audit.ClientFor("auditor", "auditor-7");

        var replayedThen = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/replay?recipient={recipient}&at={Uri.EscapeDataString(then.AddHours(1).ToString("O"))}");
        var replayedNow = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/replay?recipient={recipient}&at={Uri.EscapeDataString(fixture.Clock.GetUtcNow().ToString("O"))}");

        var weekThen = Assert.Single(replayedThen.GetProperty("declarations").EnumerateArray());
        Assert.Equal(shownThen.GetProperty("version").GetInt32(), weekThen.GetProperty("version").GetInt32());
        Assert.Equal(shownThen.GetProperty("totalHours").GetDecimal(), weekThen.GetProperty("totalHours").GetDecimal());
        var weekNow = Assert.Single(replayedNow.GetProperty("declarations").EnumerateArray());
        Assert.Equal(shownNow.GetProperty("version").GetInt32(), weekNow.GetProperty("version").GetInt32());
        Assert.Equal(shownNow.GetProperty("totalHours").GetDecimal(), weekNow.GetProperty("totalHours").GetDecimal());
        Assert.Equal(shownNow.GetProperty("versions").GetArrayLength(), weekNow.GetProperty("versions").GetArrayLength());
        Assert.Equal(2, await fixture.CountAsync(
            "SELECT count(*) FROM audit_access WHERE action = 'replay' AND recipient_id = @recipient AND parameters->>'at' IS NOT NULL AND accessed_at = @now",
            new { recipient, now = fixture.Clock.GetUtcNow() }));
    }

    private sealed record Row(long Position, Guid MessageId, string MessageType, string Producer, long ProducerSequence, byte[] Body);
}
