using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Review;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// A sanction is proposed only with the weighing CASF R262-68-5 requires, every item answered in writing; the
/// assessment is stored, shown with the proposal and carried, signed, in the decision.
/// </summary>
public sealed class ProportionalityAssessmentTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private async Task<(Guid FlagId, Guid CaseId)> ClaimedCaseAsync(string recipient)
    {
        var (flagId, caseId) = await fixture.RaiseFlagAsync(recipient);
        Assert.Equal(HttpStatusCode.OK, (await fixture.CounsellorClient().PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        return (flagId, caseId);
    }

    [Fact]
    public async Task Propose_WithAnItemOfTheAssessmentUnanswered_Returns422NamingIt_AndNothingIsWritten()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, caseId) = await ClaimedCaseAsync(recipient);

        var response = await fixture.CounsellorClient().PostAsJsonAsync($"/api/review/cases/{caseId}/sanction-proposals", new
        {
            percent = 30,
            months = 1,
            startMonth = fixture.MonthFromNow(1),
            reason = "Trois semaines sous l'engagement.",
            assessment = new { vulnerability = "Aucune connue.", dependants = "  ", natureAndFrequency = "Trois semaines sur quatre." },
        });

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.StartsWith("Évaluation (CASF R262-68-5)", errors.GetProperty("assessment.dependants")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("assessment.consequences", out _));
        Assert.False(errors.TryGetProperty("assessment.vulnerability", out _));
        Assert.Equal(0, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM proposals WHERE recipient_id = @recipient", new { recipient }));
    }

    [Fact]
    public async Task TheAssessment_IsShownWithTheProposal_AndCarriedSignedInTheDecision()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 1);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();

        var shown = (await fixture.SupervisorClient().GetFromJsonAsync<JsonElement>($"/api/review/sanction-proposals/{proposalId}"))
            .GetProperty("assessment");
        Assert.Equal("Personne seule, sans enfant à charge.", shown.GetProperty("dependants").GetString());
        Assert.Equal("Le loyer reste couvert par l'aide au logement.", shown.GetProperty("consequences").GetString());

        await fixture.Review.ClientFor("recipient", recipient)
            .PostAsJsonAsync($"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Je n'ai rien à ajouter.", nothingToAdd = true });
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Évaluation lue ; manquement établi." })).StatusCode);

        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.ProposalId == proposalId);
        Assert.Equal("Aucune vulnérabilité connue ; la santé a été évoquée en entretien, sans suite.", decision.Assessment!.Vulnerability);
        Assert.True(fixture.Verifies(decision));
        Assert.False(fixture.Verifies(decision with { Assessment = decision.Assessment with { Consequences = "Autre chose." } }));
    }
}
