using System.Text.Json;
using Platform.Contracts;

namespace Platform.IntegrationTests.Rules;

/// <summary>
/// The rules service's consumers take a recipient's engagements and declarations in any order: an older engagement
/// (lower producer sequence) or an older version of a week never overwrites a newer one, and the flags left open are
/// those in-order delivery leaves. Each interleaving is delivered one message at a time through the broker (the next one
/// is published once the consumer's inbox holds the previous), so the order is exactly the one drawn. Flags raised and
/// withdrawn on the way may differ from one order to another (they are withdrawn in the recipient's favour); the open
/// ones may not.
/// </summary>
public sealed class DeliveryOrderTests(RulesFixture fixture) : IClassFixture<RulesFixture>
{
    private const int Seed = 20261130;
    private const int Interleavings = 12;

    [Fact]
    public async Task AnyInterleavingOfARecipientsEngagementsAndDeclarations_LeavesTheSameDataAndOpenFlags()
    {
        var expected = await DeliverAsync(null);
        Assert.Equal("2026-W40:10.00", expected["engagements"]);
        Assert.Equal("2026-W44:v1:12.00,2026-W45:v2:12.00,2026-W46:v1:3.00,2026-W47:v1:4.00", expected["declarations"]);
        Assert.Contains("2026-W46:weekly-hours-below-engagement", expected["open flags"], StringComparison.Ordinal);
        Assert.DoesNotContain("2026-W45", expected["open flags"], StringComparison.Ordinal);

        var random = new Random(Seed);
        for (var trial = 0; trial < Interleavings; trial++)
        {
            var actual = await DeliverAsync(random);
            Assert.True(expected.Where(pair => pair.Key != "order").All(pair => actual[pair.Key] == pair.Value),
                $"Order {actual["order"]} (seed {Seed}, trial {trial}) ended as {JsonSerializer.Serialize(actual)}, in order as {JsonSerializer.Serialize(expected)}");
        }
    }

    /// <summary>A fresh recipient's events, in producer order or shuffled by <paramref name="random"/>; returns the end state by name.</summary>
    private async Task<Dictionary<string, string>> DeliverAsync(Random? random)
    {
        var recipient = RulesFixture.NewRecipient();

        // In producer order (each gets the next producer sequence): an engagement and its correction for the same
        // starting week, then declarations, one week amended from a shortfall to enough hours.
        var events = new[]
        {
            Deliver("EngagementSetConsumer", RulesFixture.Engagement(recipient, 15, "2026-W40")),
            Deliver("DeclarationSubmittedConsumer", RulesFixture.Declaration(recipient, "2026-W44", 1, 12m)),
            Deliver("DeclarationSubmittedConsumer", RulesFixture.Declaration(recipient, "2026-W45", 1, 5m)),
            Deliver("EngagementSetConsumer", RulesFixture.Engagement(recipient, 10, "2026-W40")),
            Deliver("DeclarationSubmittedConsumer", RulesFixture.Declaration(recipient, "2026-W46", 1, 3m)),
            Deliver("DeclarationSubmittedConsumer", RulesFixture.Declaration(recipient, "2026-W45", 2, 12m)),
            Deliver("DeclarationSubmittedConsumer", RulesFixture.Declaration(recipient, "2026-W47", 1, 4m)),
        };
        var order = Enumerable.Range(0, events.Length).ToArray();
        random?.Shuffle(order);
        foreach (var index in order)
        {
            var (consumer, publish) = events[index];
            var messageId = Guid.NewGuid();
            await publish(messageId);
            await fixture.WaitForCountAsync(
                "SELECT count(*) FROM inbox WHERE consumer = @consumer AND message_id = @messageId", new { consumer, messageId }, 1);
        }

        return new Dictionary<string, string>
        {
            ["order"] = string.Join(",", order),
            ["engagements"] = await TextAsync(
                "SELECT string_agg(from_week || ':' || hours_per_week, ',' ORDER BY from_week) FROM engagements WHERE recipient_id = @recipient", recipient),
            ["declarations"] = await TextAsync(
                "SELECT string_agg(week || ':v' || version || ':' || total_hours, ',' ORDER BY week) FROM declarations WHERE recipient_id = @recipient", recipient),
            ["open flags"] = await TextAsync(
                """
                SELECT coalesce(string_agg(week || ':' || rule_id, ',' ORDER BY week, rule_id), '')
                  FROM flags WHERE recipient_id = @recipient AND withdrawn_at IS NULL
                """, recipient),
        };
    }

    private (string Consumer, Func<Guid, Task> Publish) Deliver<T>(string consumer, T message)
        where T : PlatformEvent => (consumer, messageId => fixture.Events.PublishRawAsync(message, messageId));

    private async Task<string> TextAsync(string sql, string recipient)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, sql, new { recipient }) ?? "";
    }
}
