using Dapper;
using Npgsql;

namespace Platform.IntegrationTests.Audit;

/// <summary>
/// The audit service's own runtime role may record producers' stated heads, but the database lets a head only move
/// forward: lowering it, handing it to another publisher, renaming it, dating it ahead or deleting it is refused, so
/// even that role cannot hide that a producer's last events never reached the log.
/// </summary>
public sealed class ProducerHeadMonotonicTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    [Fact]
    public async Task TheRuntimeRole_CanRaiseAStatedHead_ButNeverLowerMoveOrHideIt()
    {
        var producer = $"mono-{Guid.NewGuid():N}"[..16];
        await using var connection = new NpgsqlConnection(fixture.RuntimeConnectionString);
        await connection.OpenAsync();
        // Even a statement dated a day ahead is stamped with the time it was written.
        await connection.ExecuteAsync(
            "INSERT INTO audit_producer_head (producer, last_sequence, stated_at, publisher, received_at) VALUES (@producer, 10, now(), 'declarations', now() + interval '1 day')",
            new { producer });

        string[] refused =
        [
            "UPDATE audit_producer_head SET last_sequence = 3 WHERE producer = @producer",
            "UPDATE audit_producer_head SET last_sequence = 10, publisher = 'nobody' WHERE producer = @producer",
            "UPDATE audit_producer_head SET received_at = now() + interval '1 day' WHERE producer = @producer",
            "UPDATE audit_producer_head SET producer = 'renamed-away' WHERE producer = @producer",
            "DELETE FROM audit_producer_head WHERE producer = @producer",
            "TRUNCATE audit_producer_head",
            "ALTER TABLE audit_producer_head DISABLE TRIGGER audit_producer_head_forward",
            "DROP TRIGGER audit_producer_head_forward ON audit_producer_head",
        ];
        foreach (var statement in refused)
        {
            var refusal = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement, new { producer }));
            Assert.True(refusal.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{statement}: {refusal.SqlState} {refusal.MessageText}");
        }

        // Forward is allowed, as the consumer does it; the row is then what the last real statement said.
        await connection.ExecuteAsync("UPDATE audit_producer_head SET last_sequence = 12, stated_at = now() WHERE producer = @producer", new { producer });
        var (lastSequence, publisher, received) = await connection.QuerySingleAsync<(long, string, bool)>(
            "SELECT last_sequence, publisher, received_at <= now() FROM audit_producer_head WHERE producer = @producer", new { producer });
        Assert.Equal(12, lastSequence);
        Assert.Equal("declarations", publisher);
        Assert.True(received);
    }
}
