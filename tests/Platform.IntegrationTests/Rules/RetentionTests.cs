using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Contracts.Rules;
using Platform.ServiceDefaults.Data;

namespace Platform.IntegrationTests.Rules;

/// <summary>
/// The retention job (shared by every service; here the rules service's): published outbox rows, inbox rows and
/// idempotency keys past their retention are removed, newer ones and the producer's last published event stay; and a message whose inbox
/// row was removed, delivered again, is refused by the consumer's own state (the declaration's version), not the inbox.
/// </summary>
public sealed class RetentionTests(RulesFixture fixture) : IClassFixture<RulesFixture>
{
    [Fact]
    public async Task RowsPastTheirRetentionAreRemoved_NewerOnesStay_AndARedeliveryAfterwardsChangesNothing()
    {
        var recipient = RulesFixture.NewRecipient();
        await fixture.PublishAsync(RulesFixture.Engagement(recipient, 15, "2026-W40"));
        var declaration = RulesFixture.Declaration(recipient, "2026-W45", 1, 5m);
        var messageId = Guid.NewGuid();
        await fixture.Events.PublishRawAsync(declaration, messageId);
        var raised = await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == recipient);
        await fixture.WaitForCountAsync("SELECT count(*) FROM outbox WHERE event_id = @EventId AND published_at IS NOT NULL", new { raised.EventId }, 1);

        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        // Age what this test wrote past its retention (the database's clock measures ages), and add what must stay.
        await connection.ExecuteAsync(
            """
            UPDATE inbox SET processed_at = now() - interval '91 days' WHERE message_id = @messageId;
            UPDATE outbox SET published_at = now() - interval '31 days' WHERE event_id = @EventId;
            INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('RetentionTests', @recent, now() - interval '89 days');
            INSERT INTO idempotency_keys (caller, route, key, request_hash, status, body, created_at) VALUES
                ('r-old', 'PUT /x', 'k1', 'h', 200, '{}', now() - interval '31 days'),
                ('r-new', 'PUT /x', 'k2', 'h', 200, '{}', now() - interval '29 days');
            """,
            new { messageId, raised.EventId, recent = Guid.NewGuid() });
        // Later events, published and aged too: the last of them is the producer's head, kept whatever its age.
        var later = RulesFixture.Declaration(recipient, "2026-W46", 1, 4m);
        await fixture.PublishAsync(later);
        var head = await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == recipient && e.Week == "2026-W46");
        await fixture.WaitForCountAsync("SELECT count(*) FROM outbox WHERE event_id = @EventId AND published_at IS NOT NULL", new { head.EventId }, 1);
        await connection.ExecuteAsync(
            "UPDATE outbox SET published_at = now() - interval '40 days' WHERE published_at IS NOT NULL AND event_id <> @EventId", new { raised.EventId });
        var headSequence = await connection.ExecuteScalarAsync<long>("SELECT max(sequence) FROM outbox WHERE published_at IS NOT NULL");

        var pass = await fixture.Service.ServiceProvider.GetRequiredService<RetentionJob>().RemoveExpiredAsync(CancellationToken.None);

        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM inbox WHERE message_id = @messageId", new { messageId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM inbox WHERE consumer = 'RetentionTests'"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE event_id = @EventId", new { raised.EventId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE sequence = @headSequence", new { headSequence }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL AND sequence <> @headSequence", new { headSequence }));
        Assert.Equal("r-new", await connection.ExecuteScalarAsync<string>("SELECT string_agg(caller, ',') FROM idempotency_keys"));
        Assert.True(pass.Inbox >= 1 && pass.Outbox >= 1 && pass.IdempotencyKeys == 1, $"removed {pass}");

        // The same message again, its inbox row gone: the consumer runs, and the version it already holds refuses it.
        await fixture.Events.PublishRawAsync(declaration, messageId);
        await fixture.WaitForCountAsync("SELECT count(*) FROM inbox WHERE message_id = @messageId", new { messageId }, 1);
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<FlagRaised>(TimeSpan.FromSeconds(2), e => e.RecipientId == recipient && e.Week == "2026-W45"));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<FlagWithdrawn>(TimeSpan.Zero, e => e.RecipientId == recipient));
        Assert.Equal(1, await fixture.CountAsync(
            "SELECT count(*) FROM flags WHERE recipient_id = @recipient AND week = '2026-W45'", new { recipient }));
    }
}
