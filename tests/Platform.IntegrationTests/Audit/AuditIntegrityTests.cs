using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MassTransit;
using Npgsql;
using Platform.Contracts;
using Platform.Contracts.Allocations;
using Platform.Contracts.Declarations;
using Platform.Contracts.Review;
using Platform.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace Platform.IntegrationTests.Audit;

/// <summary>
/// Who really published each event, what the audit service's own database role may do, and a log poisoned on purpose:
/// all through the real broker and database.
/// </summary>
public sealed class AuditIntegrityTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private async Task<(HttpStatusCode Status, List<(long Position, string Kind, string Reason)> Violations)> VerifyAsync()
    {
        var response = await fixture.Audit.ClientFor("auditor", "auditor-1").GetAsync("/api/audit/verification");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, []);
        }

        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, report.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("position").GetInt64(), v.GetProperty("kind").GetString()!, v.GetProperty("reason").GetString()!))
            .ToList());
    }

    /// <summary>
    /// Publishes an envelope onto the exchange every event reaches, over a connection of broker user
    /// <paramref name="user"/>, with the AMQP user_id <paramref name="userId"/> (none when null), as anyone with a broker
    /// account could.
    /// </summary>
    private async Task PublishAsAsync(string user, string? userId, PlatformEvent message)
    {
        var factory = new ConnectionFactory
        {
            HostName = fixture.Servers.Amqp.Host, Port = fixture.Servers.Amqp.Port, VirtualHost = fixture.VirtualHost,
            UserName = user, Password = user,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        var type = message.GetType();
        var envelope = new
        {
            messageId = message.EventId,
            messageType = new[] { $"urn:message:{type.Namespace}:{type.Name}", "urn:message:Platform.Contracts:IPlatformEvent" },
            message = (object)message,
            sentTime = DateTime.UtcNow,
        };
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = message.EventId.ToString(), UserId = userId,
        };
        await channel.BasicPublishAsync(
            EventProbe.AllEventsExchange, "", mandatory: false, properties, JsonSerializer.SerializeToUtf8Bytes(envelope, JsonSerializerOptions.Web));
    }

    private static T Stamped<T>(T message, string producer, long sequence)
        where T : PlatformEvent =>
        message with { EventId = Guid.NewGuid(), Producer = producer, ProducerSequence = sequence, OccurredAt = AuditFixture.Now };

    private async Task<long> PositionOfAsync(Guid messageId)
    {
        await fixture.WaitForEntriesAsync(messageId);
        return await fixture.CountAsync("SELECT position FROM audit_log WHERE message_id = @messageId", new { messageId });
    }

    private static EngagementSet Engagement() => new($"r-{Guid.NewGuid():N}"[..18], 15m, "2026-W45", "agent-1");

    [Fact]
    public async Task EventsOfTheServices_CarryTheirValidatedPublisher()
    {
        var recipient = $"r-{Guid.NewGuid():N}"[..18];
        var counsellor = fixture.Declarations.ClientFor("counsellor", "agent-1");
        Assert.True((await counsellor.PutAsJsonAsync($"/api/recipients/{recipient}/engagement", new { hoursPerWeek = 15, fromWeek = "2026-W45" })).IsSuccessStatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE recipient_id = @recipient", new { recipient }) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The engagement did not reach the audit log.");
            await Task.Delay(100);
        }

        var publisher = (await fixture.QueryAsync<string>("SELECT publisher FROM audit_log WHERE recipient_id = @recipient", new { recipient })).Single();
        Assert.Equal(Uri.UnescapeDataString(fixture.Servers.Amqp.UserInfo.Split(':')[0]), publisher);
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_log l WHERE sha256(audit_canonical(l)) <> l.entry_hash"));
    }

    [Fact]
    public async Task EventWithoutValidatedUserId_OrFromAUserThatMayNotSpeakForItsProducer_IsReported()
    {
        var genuine = Stamped(Engagement(), "declarations", 1_000_001);
        var impostor = Stamped(Engagement(), "review", 1_000_001);
        var anonymous = Stamped(Engagement(), "declarations", 1_000_002);

        await PublishAsAsync(fixture.PublisherUser, fixture.PublisherUser, genuine);
        await PublishAsAsync(fixture.PublisherUser, fixture.PublisherUser, impostor);
        await PublishAsAsync(fixture.PublisherUser, null, anonymous);
        var positions = new[] { await PositionOfAsync(genuine.EventId), await PositionOfAsync(impostor.EventId), await PositionOfAsync(anonymous.EventId) };
        var (status, violations) = await VerifyAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(violations, v => v.Position == positions[0] && v.Kind is "publisher-mismatch" or "unvalidated-publisher");
        Assert.Contains(violations, v => v.Position == positions[1] && v.Kind == "publisher-mismatch" && v.Reason.Contains(fixture.PublisherUser, StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Position == positions[2] && v.Kind == "unvalidated-publisher");
    }

    [Fact]
    public async Task AUserIdOtherThanTheConnectionsUser_IsRefusedByTheBroker()
    {
        var forged = Stamped(Engagement(), "declarations", 2_000_001);

        // RabbitMQ closes the channel (PRECONDITION_FAILED, user_id does not match): nothing reaches the log.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await PublishAsAsync(fixture.PublisherUser, "declarations", forged);
        });
        var marker = Stamped(Engagement(), "declarations", 2_000_002);
        await PublishAsAsync(fixture.PublisherUser, fixture.PublisherUser, marker);
        await fixture.WaitForEntriesAsync(marker.EventId);

        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE message_id = @EventId", new { forged.EventId }));
    }

    [Fact]
    public async Task PoisonedDecision_FollowedByAnAdjustmentNamingIt_VerificationStillAnswers200_NamingTheEntry()
    {
        var poisoned = Stamped(new SanctionDecided(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "r-poisoned", "rule", 30, 1, "2027-01", false,
            "counsellor-1", "supervisor-2", Guid.NewGuid(), AuditFixture.Now, AuditFixture.Now, null, AuditFixture.Now, null!, null!), "poison-review", 1);
        var adjustment = Stamped(new AllocationAdjusted(Guid.NewGuid(), poisoned.DecisionId, "r-poisoned", 30, 1, "2027-01", 100m, null!), "poison-allocations", 1);

        await fixture.PublishAsync(poisoned);
        await fixture.PublishAsync(adjustment);
        var adjustedAt = await PositionOfAsync(adjustment.EventId);
        // A body no contract reads as it was meant (a huge number where an id belongs), appended as the log received it.
        var garbage = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(fixture.RuntimeConnectionString))
        {
            await connection.OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(connection,
                "SELECT audit_append(16, ARRAY[@garbage], ARRAY[@type], ARRAY['poison-garbage'], ARRAY[''], ARRAY[1::bigint], ARRAY[now()], ARRAY[now()], ARRAY['r'], ARRAY[@body])",
                new { garbage, type = "urn:message:Platform.Contracts.Review:SanctionDecided", body = Encoding.UTF8.GetBytes("{\"decisionId\":1" + new string('9', 500) + ",\"keyId\":[") });
        }

        var garbageAt = await PositionOfAsync(garbage);
        var (status, violations) = await VerifyAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(violations, v => v.Position == adjustedAt && v.Kind == "bad-signature");
        Assert.Contains(violations, v => v.Position == garbageAt && v.Kind == "unreadable-event");
        var events = await fixture.Audit.ClientFor("auditor", "auditor-1").GetAsync("/api/audit/events?type=SanctionDecided&limit=1000");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
    }

    [Fact]
    public async Task TheServicesOwnRole_CannotRewriteTheLog_NorMoveTheHead_NorDisableTriggers_NorAlterTables()
    {
        var entry = Stamped(Engagement(), "role-test", 1);
        await fixture.PublishAsync(entry);
        var position = await PositionOfAsync(entry.EventId);

        string[] refused =
        [
            $"UPDATE audit_log SET body = convert_to('{{}}', 'UTF8') WHERE position = {position}",
            $"DELETE FROM audit_log WHERE position = {position}",
            "TRUNCATE audit_log",
            "UPDATE audit_head SET position = position - 1",
            "UPDATE audit_partition_head SET position = position - 1",
            "SELECT nextval('audit_log_position')",
            $"INSERT INTO audit_log SELECT * FROM audit_log WHERE position = {position}",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
            "ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey",
            "DROP TRIGGER audit_log_append_only ON audit_log",
            "DELETE FROM audit_checkpoint",
            "SET session_replication_role = replica",
            "CREATE OR REPLACE FUNCTION audit_canonical(entry audit_log) RETURNS bytea LANGUAGE sql AS $$ SELECT ''::bytea $$",
        ];
        await using var connection = new NpgsqlConnection(fixture.RuntimeConnectionString);
        await connection.OpenAsync();
        foreach (var statement in refused)
        {
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => Dapper.SqlMapper.ExecuteAsync(connection, statement));
            Assert.True(refusal.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{statement}: {refusal.SqlState} {refusal.MessageText}");
        }

        Assert.Equal(0, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection,
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user"));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM audit_log l WHERE sha256(audit_canonical(l)) <> l.entry_hash"));
    }

    [Fact]
    public async Task ProducerWhoseStatedHeadIsAheadOfTheLog_IsReported()
    {
        var producer = $"heads-{Guid.NewGuid():N}"[..16];
        var first = Stamped(Engagement(), producer, 1);
        await fixture.PublishAsync(first);
        await PositionOfAsync(first.EventId);
        await fixture.Audit.ServiceProvider.GetRequiredService<IBus>().Publish(new ProducerHeadStated(producer, 3, AuditFixture.Now));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await fixture.CountAsync("SELECT count(*) FROM audit_producer_head WHERE producer = @producer", new { producer }) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The stated head was not recorded.");
            await Task.Delay(100);
        }

        var (status, violations) = await VerifyAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        var ahead = Assert.Single(violations, v => v.Kind == "producer-head-ahead" && v.Reason.Contains(producer, StringComparison.Ordinal));
        Assert.Contains("states sequence 3 but the log reaches 1", ahead.Reason, StringComparison.Ordinal);
    }
}
