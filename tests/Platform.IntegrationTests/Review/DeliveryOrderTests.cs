using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Allocations;
using Platform.Contracts.Rules;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// The review service's consumers take a recipient's events in any order: a flag withdrawn before it arrives never
/// shows as a live case, and an older household statement never overwrites a newer one. Each interleaving is delivered
/// one message at a time through the broker (the next one is published once the consumer's inbox holds the previous),
/// so the order is exactly the one drawn; the end state is compared with in-order delivery.
/// </summary>
public sealed class DeliveryOrderTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private const int Seed = 20261130;
    private const int Interleavings = 12;
    private static long sequence = 1_000_000;

    [Fact]
    public async Task AnyInterleavingOfARecipientsEvents_EndsAsInOrderDelivery_AndAWithdrawnFlagIsNeverLive()
    {
        var expected = await DeliverAsync(Enumerable.Range(0, 7).ToArray());

        // The in-order end state, spelt out, so the comparison below compares with something right.
        Assert.Equal("withdrawn:opened,withdrawn", expected["flag-a"]);
        Assert.Equal("open:opened", expected["flag-b"]);
        Assert.Equal("withdrawn:opened,withdrawn", expected["flag-c"]);
        Assert.Equal("open:flag-b", expected["queue"]);
        Assert.Equal("2:False", expected["household"]);

        var random = new Random(Seed);
        for (var trial = 0; trial < Interleavings; trial++)
        {
            var order = Enumerable.Range(0, 7).ToArray();
            random.Shuffle(order);
            var actual = await DeliverAsync(order);
            Assert.True(expected.Count == actual.Count && expected.All(pair => actual[pair.Key] == pair.Value),
                $"Order {string.Join(",", order)} (seed {Seed}, trial {trial}) ended as {JsonSerializer.Serialize(actual)}, in order as {JsonSerializer.Serialize(expected)}");
        }
    }

    [Fact]
    public async Task EventsDeliveredAgainAfterTheirInboxRowsWereRemoved_ChangeNothing()
    {
        var (recipient, flags, events) = NewRecipientsEvents();
        var messageIds = events.Select(_ => Guid.NewGuid()).ToArray();
        await DeliverAsync(events, messageIds, Enumerable.Range(0, events.Length).ToArray());
        var before = await StateAsync(recipient, flags);

        // As the retention job leaves it after 90 days: the inbox no longer knows these messages.
        await using (var connection = new Npgsql.NpgsqlConnection(fixture.ReviewDatabase))
        {
            await connection.OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(connection, "DELETE FROM inbox WHERE message_id = ANY(@messageIds)", new { messageIds });
        }

        await DeliverAsync(events, messageIds, Enumerable.Range(0, events.Length).ToArray());
        var after = await StateAsync(recipient, flags);
        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(after));
        Assert.Equal(1, await HumanGateFixture.ScalarAsync<long>(fixture.ReviewDatabase,
            "SELECT count(*) FROM cases WHERE flag_id = @flagId", new { flagId = flags["flag-b"] }));
    }

    /// <summary>One fresh recipient's seven events, delivered in <paramref name="order"/>; returns the end state by name.</summary>
    private async Task<Dictionary<string, string>> DeliverAsync(int[] order)
    {
        var (recipient, flags, events) = NewRecipientsEvents();
        await DeliverAsync(events, events.Select(_ => Guid.NewGuid()).ToArray(), order);
        return await StateAsync(recipient, flags);
    }

    private (string Recipient, Dictionary<string, Guid> Flags, (string Consumer, Func<Guid, Task> Publish)[] Events) NewRecipientsEvents()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var flags = new Dictionary<string, Guid> { ["flag-a"] = Guid.NewGuid(), ["flag-b"] = Guid.NewGuid(), ["flag-c"] = Guid.NewGuid() };
        var first = Interlocked.Add(ref sequence, 3) - 2;

        // In producer order: a flag raised then withdrawn, another raised, a third raised then withdrawn (the rules
        // service's sequence), and two household statements (the allocations service's sequence).
        var events = new (string Consumer, Func<Guid, Task> Publish)[]
        {
            Raised(flags["flag-a"], recipient),
            Withdrawn(flags["flag-a"], recipient),
            Raised(flags["flag-b"], recipient),
            Raised(flags["flag-c"], recipient),
            Withdrawn(flags["flag-c"], recipient),
            Household(recipient, 3, true, first),
            Household(recipient, 2, false, first + 1),
        };
        return (recipient, flags, events);
    }

    /// <summary>Publishes each event in <paramref name="order"/>, the next once the consumer's inbox holds the previous.</summary>
    private async Task DeliverAsync((string Consumer, Func<Guid, Task> Publish)[] events, Guid[] messageIds, int[] order)
    {
        foreach (var index in order)
        {
            var (consumer, publish) = events[index];
            var messageId = messageIds[index];
            await publish(messageId);
            await HumanGateFixture.WaitUntilAsync(fixture.ReviewDatabase,
                "SELECT count(*) FROM inbox WHERE consumer = @consumer AND message_id = @messageId", new { consumer, messageId });
        }
    }

    private async Task<Dictionary<string, string>> StateAsync(string recipient, Dictionary<string, Guid> flags)
    {
        var state = new Dictionary<string, string>();
        foreach (var (name, flagId) in flags)
        {
            var caseState = await HumanGateFixture.ScalarAsync<string>(fixture.ReviewDatabase, "SELECT state FROM cases WHERE flag_id = @flagId", new { flagId });
            var history = await HumanGateFixture.ScalarAsync<string>(fixture.ReviewDatabase,
                """
                SELECT string_agg(h.action, ',' ORDER BY h.id) FROM case_history h JOIN cases c USING (case_id) WHERE c.flag_id = @flagId
                """,
                new { flagId });
            state[name] = $"{caseState}:{history}";
        }

        // What a counsellor sees: the recipient's live cases in the queue.
        var queue = await fixture.CounsellorClient().GetFromJsonAsync<JsonElement>($"/api/review/cases?status=open&recipient={recipient}&pageSize=100");
        var live = queue.GetProperty("items").EnumerateArray()
            .Select(item => flags.Single(flag => flag.Value == item.GetProperty("flag").GetProperty("flagId").GetGuid()).Key)
            .Order();
        state["queue"] = "open:" + string.Join(",", live);
        state["household"] = await HumanGateFixture.ScalarAsync<string>(fixture.ReviewDatabase,
            "SELECT household_size || ':' || CASE WHEN lone_parent_increase THEN 'True' ELSE 'False' END FROM households WHERE recipient_id = @recipient",
            new { recipient });
        return state;
    }

    private (string, Func<Guid, Task>) Raised(Guid flagId, string recipient) => ("FlagRaisedConsumer", messageId => fixture.Events.PublishRawAsync(
        Stamp(new FlagRaised(
            flagId, recipient, "2026-W47", "weekly-hours-below-engagement", 1,
            JsonDocument.Parse("""{"week":"2026-W47","declaredHours":3,"engagementHours":15}""").RootElement,
            new Dictionary<string, decimal> { ["toleranceHours"] = 0 },
            new Explanation("Moins d'heures que l'engagement.", "Fewer hours than the engagement."),
            true), "rules"),
        messageId));

    private (string, Func<Guid, Task>) Withdrawn(Guid flagId, string recipient) => ("FlagWithdrawnConsumer", messageId => fixture.Events.PublishRawAsync(
        Stamp(new FlagWithdrawn(flagId, recipient, "2026-W47", "weekly-hours-below-engagement", 1, new Explanation("Déclaration corrigée.", "Declaration amended.")), "rules"),
        messageId));

    private (string, Func<Guid, Task>) Household(string recipient, int size, bool loneParent, long producerSequence) =>
        ("AllocationSetConsumer", messageId => fixture.Events.PublishRawAsync(
            Stamp(new AllocationSet(recipient, 646.52m, size, loneParent, "2026-01", HumanGateFixture.Payer), "allocations") with { ProducerSequence = producerSequence },
            messageId));

    private T Stamp<T>(T message, string producer)
        where T : PlatformEvent => message with { EventId = Guid.NewGuid(), Producer = producer, OccurredAt = fixture.Clock.GetUtcNow() };
}
