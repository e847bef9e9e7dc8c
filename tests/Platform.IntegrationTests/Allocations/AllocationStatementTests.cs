using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.IntegrationTests.Review;

namespace Platform.IntegrationTests.Allocations;

/// <summary>
/// Allocation facts come from the paying body: only the payer states them; people get 403 and nothing is written or
/// published. A correction of a month already begun is a new fact, shown next to the old one and published for the audit log.
/// </summary>
public sealed class AllocationStatementTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    [Theory]
    [InlineData("counsellor", "agent-c1")]
    [InlineData("supervisor", "agent-s1")]
    [InlineData("recipient", "SELF")]
    [InlineData("auditor", "auditor-1")]
    public async Task APersonStatingAnAllocation_Gets403_AndNothingIsWrittenOrPublished(string role, string subject)
    {
        var recipient = HumanGateFixture.NewRecipient();
        var response = await fixture.Allocations.ClientFor(role, subject == "SELF" ? recipient : subject).PutAsJsonAsync(
            $"/api/recipients/{recipient}/allocation",
            new { monthlyBaseAmount = 0m, householdSize = 1, loneParentIncrease = false, fromMonth = fixture.MonthFromNow(-2) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("https://xp-rsa.example/problems/forbidden", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM allocations WHERE recipient_id = @recipient", new { recipient }));
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM outbox WHERE body->>'recipientId' = @recipient", new { recipient }));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<AllocationSet>(TimeSpan.FromMilliseconds(500), e => e.RecipientId == recipient));
    }

    [Fact]
    public async Task APayerCorrectionOfAPastMonth_IsANewFact_KeptBesideTheOldOneInTheHistoryAndTheEvents()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var payer = fixture.Allocations.ClientFor("payer", "caf-75");
        var twoMonthsAgo = fixture.MonthFromNow(-2);
        var lastMonth = fixture.MonthFromNow(-1);
        Assert.Equal(HttpStatusCode.OK, (await payer.PutAsJsonAsync($"/api/recipients/{recipient}/allocation",
            new { monthlyBaseAmount = 646.52m, householdSize = 1, loneParentIncrease = false, fromMonth = twoMonthsAgo })).StatusCode);
        var first = await fixture.Events.WaitForAsync<AllocationSet>(e => e.RecipientId == recipient);
        Assert.Equal("caf-75", first.SetBy);
        // Published with the AMQP user_id of the service's broker user, which RabbitMQ validated.
        Assert.Equal(fixture.Events.User, fixture.Events.Received.First(e => e.Is<AllocationSet>() && e.Message<AllocationSet>().RecipientId == recipient).UserId);
        Assert.Equal(twoMonthsAgo, first.FromMonth);

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await payer.PutAsJsonAsync($"/api/recipients/{recipient}/allocation",
            new { monthlyBaseAmount = 600m, householdSize = 2, loneParentIncrease = false, fromMonth = lastMonth })).StatusCode);
        var correction = await fixture.Events.WaitForAsync<AllocationSet>(e => e.RecipientId == recipient && e.FromMonth == lastMonth);
        Assert.True(correction.Correction);
        Assert.Equal(646.52m, correction.PreviousMonthlyBaseAmount);
        Assert.Equal("caf-75", correction.SetBy);

        // Both facts stay in the ledger; the recipient sees the correction next to what it corrected.
        Assert.Equal(2L, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM allocations WHERE recipient_id = @recipient", new { recipient }));
        var me = fixture.Allocations.ClientFor("recipient", recipient);
        var corrected = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={lastMonth}");
        Assert.Equal(600m, corrected.GetProperty("amountDue").GetDecimal());
        var history = corrected.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal(646.52m, history[0].GetProperty("monthlyBaseAmount").GetDecimal());
        Assert.False(history[0].GetProperty("inForce").GetBoolean());
        Assert.Equal(600m, history[1].GetProperty("monthlyBaseAmount").GetDecimal());
        Assert.True(history[1].GetProperty("correction").GetBoolean());
        Assert.True(history[1].GetProperty("inForce").GetBoolean());
        Assert.Equal("caf-75", history[1].GetProperty("statedBy").GetString());
        var before = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={twoMonthsAgo}");
        Assert.Equal(646.52m, before.GetProperty("amountDue").GetDecimal());
    }
}
