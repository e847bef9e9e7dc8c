using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Review;
using UglyToad.PdfPig;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// A decision on a recipient is taken in the name of the président of the recipient's own département, under one of
/// their delegations: a supervisor working for Paris and Marseille (token <c>75 13</c>) but delegated by Paris only is
/// refused on a Marseille recipient (403 no-delegation, nothing written); once the Bouches-du-Rhône's président delegates
/// them, the decision goes through and its letter names that président. A supervisor reads and records the delegations
/// of the départements they work for only.
/// </summary>
public sealed class DelegationDepartementTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private const string ProblemBase = "https://xp-rsa.example/problems/";
    private const string TwoDepartements = "agent-s-paris-marseille";

    private static object Delegation(string agentId, string departement, string reference) => new
    {
        agentId, agentName = "Inès Martin", agentRole = "cheffe du service RSA", reference, validFrom = "2026-03-03", validUntil = (string?)null, departement,
    };

    [Fact]
    public async Task ADeciderDelegatedByParisOnly_IsRefusedOnAMarseilleRecipient_UntilMarseillesPresidentDelegatesThem()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await HumanGateFixture.ScalarAsync<int>(
            fixture.ReviewDatabase,
            "INSERT INTO recipient_departements (recipient_id, departement, since) VALUES (@recipient, '13', now()) RETURNING 1",
            new { recipient });
        await fixture.SetAllocationAsync(recipient, monthly: 600m);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 1, startMonth: fixture.MonthFromNow(1));
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await fixture.Review.ClientFor("recipient", recipient).PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Rien à ajouter.", nothingToAdd = true })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await fixture.SupervisorClient().PostAsJsonAsync(
            "/api/review/delegations", Delegation(TwoDepartements, "75", "arrêté n° 2026-201 du 3 mars 2026"))).StatusCode);

        var decider = fixture.Review.ClientFor("supervisor", TwoDepartements, "75 13");
        decider.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var refused = await decider.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Manquement établi." });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemBase + "no-delegation", problem.GetProperty("type").GetString());
        Assert.Contains("conseil départemental (13)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("pending", (await fixture.SupervisorClient().GetFromJsonAsync<JsonElement>($"/api/review/sanction-proposals/{proposalId}"))
            .GetProperty("state").GetString());
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM decision_letters WHERE recipient_id = @recipient", new { recipient }));

        // Marseille's président delegates them, recorded by a supervisor working for Marseille: the decision goes through.
        Assert.Equal(HttpStatusCode.Created, (await fixture.Review.ClientFor("supervisor", HumanGateFixture.Supervisor, "13").PostAsJsonAsync(
            "/api/review/delegations", Delegation(TwoDepartements, "13", "arrêté n° 2026-13-044 du 3 mars 2026"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await decider.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Manquement établi." })).StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.RecipientId == recipient);
        Assert.Equal(TwoDepartements, decision.ApprovedBy);

        var me = fixture.Review.ClientFor("recipient", recipient);
        var letter = (await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/decision-letters")).GetProperty("letters")[0];
        Assert.Equal("arrêté n° 2026-13-044 du 3 mars 2026", letter.GetProperty("delegationReference").GetString());
        using var pdf = PdfDocument.Open(await me.GetByteArrayAsync(letter.GetProperty("pdfUrl").GetString()));
        var text = string.Join("\n", pdf.GetPages().Select(page => string.Join(" ", page.GetWords().Select(word => word.Text))));
        Assert.Contains("Département des Bouches-du-Rhône — service RSA", text, StringComparison.Ordinal);
        Assert.Contains("pour le président du conseil départemental des Bouches-du-Rhône et par délégation (arrêté n° 2026-13-044 du 3 mars 2026)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASupervisor_ReadsAndRecordsTheDelegationsOfTheirOwnDepartementsOnly()
    {
        var paris = fixture.Review.ClientFor("supervisor", "agent-s-paris-only", "75");
        paris.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var list = await paris.GetFromJsonAsync<JsonElement>("/api/review/delegations");
        Assert.Equal("75", list.GetProperty("departement").GetString());
        Assert.All(list.GetProperty("delegations").EnumerateArray(), item => Assert.Equal("75", item.GetProperty("departement").GetString()));

        var read = await paris.GetAsync("/api/review/delegations?departement=13");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(ProblemBase + "delegation-departement-not-yours", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        var recorded = await paris.PostAsJsonAsync("/api/review/delegations", Delegation("agent-s-elsewhere", "13", "arrêté n° 2026-13-077 du 3 mars 2026"));
        Assert.Equal(HttpStatusCode.Forbidden, recorded.StatusCode);
        var problem = await recorded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemBase + "delegation-departement-not-yours", problem.GetProperty("type").GetString());
        Assert.Contains("You do not work for the département 13", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM delegations WHERE agent_id = 'agent-s-elsewhere'"));
    }
}
