using System.Net;
using System.Net.Http.Json;
using Platform.Contracts.Review;

namespace Platform.IntegrationTests.Review;

/// <summary>A case nobody decides in time closes in the recipient's favour, on the service's (controlled) clock.</summary>
public sealed class CaseExpiryTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    [Fact]
    public async Task ACaseNobodyDecides_ExpiresAfterTheConfiguredTime_InTheRecipientsFavour()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (flagId, caseId, proposal) = await fixture.ProposeAsync(recipient);
        var (_, untouchedCase) = await fixture.RaiseFlagAsync(recipient);

        fixture.Clock.Advance(TimeSpan.FromDays(59));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<FlagExpired>(TimeSpan.FromSeconds(1), e => e.RecipientId == recipient));
        fixture.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1));

        var expired = await fixture.Events.WaitForAsync<FlagExpired>(e => e.CaseId == caseId);
        Assert.Equal(flagId, expired.FlagId);
        await fixture.Events.WaitForAsync<FlagExpired>(e => e.CaseId == untouchedCase);
        Assert.Equal("expired", await HumanGateFixture.ScalarAsync<string>(fixture.ReviewDatabase, "SELECT state FROM cases WHERE case_id = @caseId", new { caseId }));

        // The pending proposal died with the case: it can no longer be approved, and nothing was decided.
        var approve = await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Trop tard." });
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<SanctionDecided>(TimeSpan.FromMilliseconds(500), e => e.RecipientId == recipient));
        Assert.Equal(0, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM adjustments WHERE recipient_id = @recipient", new { recipient }));
    }
}
