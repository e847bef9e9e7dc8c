using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review.Sanctions;
using Platform.Rules.Calendar;
using RabbitMQ.Client;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// A genuinely signed <see cref="SanctionDecided"/> in the hands of another real service's broker user (here the rules
/// service's, under the permissions of deploy/rabbitmq/definitions.json), published every way that user's permissions
/// leave open: the decision's own exchange refuses it (403 from the broker); the exchange every event reaches and the
/// services' bus-endpoint exchanges take it, but the allocations service acts on none of it, and the audit log records
/// it with the validated publisher and verification reports the mismatch. The same decision published by the review
/// service's user then takes effect once: the signature was good, only the publisher was wrong.
/// </summary>
public sealed class ForeignPublisherTests
{
    private const string DevelopmentKeyId = "review-dev-2026-11";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task ASignedDecision_PublishedByAnotherServicesBrokerUser_ChangesNoAllocation_AndIsReportedByTheAudit()
    {
        var servers = await PlatformServers.GetAsync();
        var (virtualHost, settings, users) = await BrokerUsers.FromDefinitionsAsync(servers);
        try
        {
            await using var platform = await PlatformProcesses.StartOnAsync(virtualHost, settings, "allocations", "audit");
            await using var probe = await EventProbe.StartAsync(servers.Amqp, virtualHost);
            const string recipient = "R-foreign";
            var nextMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow).AddMonths(1));
            using var payer = platform.ClientFor("allocations", "payer", "caf-foreign");
            using var reader = platform.ClientFor("allocations", "counsellor", "agent-foreign");
            using var auditor = platform.ClientFor("audit", "auditor", "auditor-foreign");
            Assert.Equal(HttpStatusCode.OK, (await payer.PutAsJsonAsync($"/api/recipients/{recipient}/allocation", new
            {
                monthlyBaseAmount = 500m, householdSize = 1, loneParentIncrease = false,
                fromMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow)),
            })).StatusCode);
            await probe.WaitForAsync<AllocationSet>(e => e.RecipientId == recipient);
            var rowsBefore = await AllocationRowsAsync(platform);

            var decision = GenuineDecision(recipient, nextMonth);
            await using (var rules = await ConnectAsync(servers, virtualHost, users["rules"]))
            {
                // The decision's own exchange is the review user's alone.
                Assert.True(await BrokerUsers.RefusedAsync(rules, channel => PublishAsync(channel, "Platform.Contracts.Review:SanctionDecided", decision, users["rules"])));

                // What the rules user may write: the exchanges every event reaches, and any bus endpoint's exchange
                // (MassTransit declares those only when a service first needs one, so there may be none).
                var open = new List<string> { "Platform.Contracts:IPlatformEvent", "Platform.Contracts:PlatformEvent" };
                open.AddRange(await BusExchangesAsync(servers, virtualHost));

                // First a copy dated at the first instant .NET holds (which Npgsql writes as -infinity unless told not
                // to): it once stopped the audit log's ingestion for good; the decision after it must still be recorded.
                Assert.False(await BrokerUsers.RefusedAsync(rules, channel => PublishAsync(
                    channel, open[0], decision with { EventId = Guid.NewGuid(), OccurredAt = DateTimeOffset.MinValue }, users["rules"])));
                foreach (var exchange in open)
                {
                    Assert.False(await BrokerUsers.RefusedAsync(rules, channel => PublishAsync(channel, exchange, decision, users["rules"])), exchange);
                }
            }

            // The audit log holds it, under the broker user that really published it, and verification says so.
            var violation = await Eventually.GetAsync("the publisher mismatch in the verification", async () =>
            {
                var verification = await auditor.GetFromJsonAsync<JsonElement>("/api/audit/verification");
                return verification.GetProperty("violations").EnumerateArray()
                    .Where(v => v.GetProperty("kind").GetString() == "publisher-mismatch")
                    .Select(v => (JsonElement?)v).FirstOrDefault();
            });
            Assert.Contains(users["rules"], violation.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains("review", violation.GetProperty("reason").GetString(), StringComparison.Ordinal);

            // The allocations service acted on none of it: same rows, same amount, no adjustment and no event about it.
            Assert.Equal(rowsBefore, await AllocationRowsAsync(platform));
            var allocation = await reader.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={nextMonth}");
            Assert.Equal(500m, allocation.GetProperty("amountDue").GetDecimal());
            Assert.Empty(allocation.GetProperty("adjustments").EnumerateArray());
            Assert.DoesNotContain(probe.All<AllocationAdjusted>(), e => e.DecisionId == decision.DecisionId);

            // The same decision from the review service's user takes effect, once: what stopped it was the publisher.
            await using (var review = await ConnectAsync(servers, virtualHost, users["review"]))
            {
                Assert.False(await BrokerUsers.RefusedAsync(review, channel => PublishAsync(channel, "Platform.Contracts.Review:SanctionDecided", decision, users["review"])));
            }

            await probe.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId, TimeSpan.FromSeconds(60));
            allocation = await reader.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={nextMonth}");
            Assert.Equal(350m, allocation.GetProperty("amountDue").GetDecimal());
            Assert.DoesNotContain(probe.All<AdjustmentRejected>(), e => e.DecisionId == decision.DecisionId);
        }
        finally
        {
            await BrokerUsers.DeleteAsync(servers, users.Values);
        }
    }

    /// <summary>A lawful decision signed with the review service's development key, which the allocations service trusts in Development.</summary>
    private static SanctionDecided GenuineDecision(string recipient, string startMonth)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(PlatformProcesses.RepositoryRoot, "services", "Review", "Platform.Review", "appsettings.Development.json")));
        var privateKey = settings.RootElement.GetProperty("Signing").GetProperty("Keys").GetProperty(DevelopmentKeyId).GetString()!;
        using var signer = new DecisionSigner(Options.Create(new SigningOptions { ActiveKeyId = DevelopmentKeyId, Keys = { [DevelopmentKeyId] = privateKey } }));
        var now = DateTimeOffset.UtcNow;
        var notifiedAt = now.AddDays(-20);
        return signer.Sign(new SanctionDecided(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), recipient, "repeated-shortfall", 30, 1, startMonth, false,
            "agent-c1", "agent-s1", Guid.NewGuid(), notifiedAt, notifiedAt.AddDays(15), null, now, "", "", "2026-W44", "2026-W47",
            ReceivedAt: notifiedAt, WindowClosedBy: WindowClosure.Deadline, WindowClosedAt: notifiedAt.AddDays(15))
        {
            EventId = Guid.NewGuid(),
            Producer = "review",
            OccurredAt = now,
        });
    }

    /// <summary>Publishes <paramref name="message"/> in MassTransit's envelope, as <paramref name="user"/> (the AMQP user_id the broker checks), and waits for the broker's confirm.</summary>
    private static async Task PublishAsync(IChannel channel, string exchange, SanctionDecided message, string user)
    {
        var messageId = Guid.NewGuid();
        var envelope = new
        {
            messageId,
            messageType = new[] { "urn:message:Platform.Contracts.Review:SanctionDecided", "urn:message:Platform.Contracts:PlatformEvent", "urn:message:Platform.Contracts:IPlatformEvent" },
            message,
            sentTime = DateTime.UtcNow,
        };
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = messageId.ToString(), UserId = user,
        };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, JsonSerializer.SerializeToUtf8Bytes(envelope, Json));
    }

    private static async Task<IConnection> ConnectAsync(PlatformServers servers, string virtualHost, string user)
    {
        // The test users' password is the service's name (the user name up to its test suffix).
        var factory = new ConnectionFactory { Uri = servers.Amqp, VirtualHost = virtualHost, UserName = user, Password = user[..user.LastIndexOf('-')] };
        return await factory.CreateConnectionAsync();
    }

    /// <summary>The exchanges of the services' bus endpoints (MassTransit's per-instance endpoints, <c>…_bus_…</c>).</summary>
    private static async Task<List<string>> BusExchangesAsync(PlatformServers servers, string virtualHost)
    {
        using var management = new HttpClient { BaseAddress = new Uri(servers.Management.GetLeftPart(UriPartial.Authority) + "/") };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(servers.Management.UserInfo))));
        var exchanges = await management.GetFromJsonAsync<JsonElement>($"api/exchanges/{Uri.EscapeDataString(virtualHost)}?columns=name");
        return exchanges.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).Where(name => name.Contains("_bus_", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Every row of every table of the allocations database, as JSON, in a stable order.</summary>
    private static async Task<string> AllocationRowsAsync(PlatformProcesses platform)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionStringOf("allocations"));
        await Eventually.GetAsync("the allocations outbox drained", async () =>
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0 ? (bool?)true : null);
        var rows = new StringBuilder();
        var tables = await connection.QueryAsync<string>(
            "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
        foreach (var table in tables)
        {
            foreach (var row in await connection.QueryAsync<string>($"SELECT to_jsonb(t)::text FROM {table} t ORDER BY 1"))
            {
                rows.Append(table).Append(": ").AppendLine(row);
            }
        }

        return rows.ToString();
    }
}
