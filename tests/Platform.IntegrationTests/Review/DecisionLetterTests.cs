using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MimeKit;
using Platform.Contracts.Review;
using Platform.IntegrationTests.Infrastructure;
using Platform.Rules.Calendar;
using UglyToad.PdfPig;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// A decided sanction reaches the person as a letter they can read and contest: the reasons in law and in fact, who
/// decided under which delegation, the seal anyone can check, the algorithmic mention and the routes of appeal (CRPA
/// L211-2, L211-5, L212-1, L311-3-1; CASF L262-47, R262-88; CJA R421-5) — and nobody decides without a delegation.
/// </summary>
public sealed class DecisionLetterTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private const string ProblemBase = "https://xp-rsa.example/problems/";

    [Fact]
    public async Task AnApproval_GivesALetter_WithTheReasonsTheAuthorAndDelegationTheAlgorithmicMentionAndTheAppealRoute_ByEmailApiAndPdf()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var address = $"{recipient}@letter.test";
        await fixture.SetAllocationAsync(recipient, monthly: 646.52m);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: 50, months: 2);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        var me = fixture.Review.ClientFor("recipient", recipient);
        // The address is given after the notice: the only e-mail to it is the decision letter.
        Assert.Equal(HttpStatusCode.OK, (await me.PutAsJsonAsync($"/api/recipients/{recipient}/contact", new { email = address })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "J'ai gardé mon fils malade ; rien à ajouter.", nothingToAdd = true })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        var approved = await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Observation lue : la garde d'enfant n'explique qu'une semaine." });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.ProposalId == proposalId);

        // The e-mail reaches the real SMTP server, the French letter attached as a PDF.
        var email = await Smtp.WaitForMessageToAsync(address);
        var attachment = Assert.Single(email.Attachments.OfType<MimePart>());
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        using var pdfBytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(pdfBytes);
        var text = PdfText(pdfBytes.ToArray());

        // The decision and the facts, week by week.
        Assert.Contains("Décision : suspension de 50 % de votre RSA", text, StringComparison.Ordinal);
        Assert.Contains("Semaine 2026-W44 : 4 h déclarées pour 15 h", text, StringComparison.Ordinal);
        // The rule as applied: id, version, legal basis, parameters.
        Assert.Contains("Règle « repeated-shortfall », version 1", text, StringComparison.Ordinal);
        Assert.Contains("L262-37", text, StringComparison.Ordinal);
        Assert.Contains("shortfallWeeks = 3", text, StringComparison.Ordinal);
        // What the person said, the proportionality assessment, the reasons, the sanction in euros.
        Assert.Contains("J'ai gardé mon fils malade", text, StringComparison.Ordinal);
        Assert.Contains("Vous n'avez pas demandé à être entendu(e).", text, StringComparison.Ordinal);
        Assert.Contains("Personne seule, sans enfant à charge.", text, StringComparison.Ordinal);
        Assert.Contains("la garde d'enfant n'explique qu'une semaine", text, StringComparison.Ordinal);
        Assert.Contains("323,26 € par mois", text, StringComparison.Ordinal);
        // The author, their role and delegation, the date.
        var today = WeekCalendar.TodayIn(fixture.Clock.GetUtcNow()).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        Assert.Contains($"Décision prise le {today} par Délégataire {HumanGateFixture.Supervisor}, responsable du service RSA", text, StringComparison.Ordinal);
        Assert.Contains("par délégation (arrêté n° 2026-117 du 3 mars 2026)", text, StringComparison.Ordinal);
        // The seal of the signed decision.
        Assert.Contains($"Décision n° {decision.DecisionId:D}, signée avec la clé {HumanGateFixture.KeyId}", text, StringComparison.Ordinal);
        // The algorithmic mention: a rule raised a question, a person decided; the right to its rules.
        Assert.Contains("traitement algorithmique (article L311-3-1", text, StringComparison.Ordinal);
        Assert.Contains("a seulement soulevé une question ; elle n'a rien décidé", text, StringComparison.Ordinal);
        Assert.Contains("catalogue public des règles", text, StringComparison.Ordinal);
        // The routes of appeal: the RAPO within two months of receipt, to the président, then the tribunal.
        Assert.Contains("recours administratif préalable obligatoire (RAPO) auprès du président du conseil départemental", text, StringComparison.Ordinal);
        Assert.Contains("dans un délai de deux mois à compter de la réception de cette lettre", text, StringComparison.Ordinal);
        Assert.Contains("L262-47", text, StringComparison.Ordinal);
        Assert.Contains("R262-88", text, StringComparison.Ordinal);
        Assert.Contains("tribunal administratif", text, StringComparison.Ordinal);
        Assert.Contains("R421-1", text, StringComparison.Ordinal);

        // The recipient's API lists it, with who decided, the delegation and the seal; not received yet.
        var list = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/decision-letters");
        var letter = Assert.Single(list.GetProperty("letters").EnumerateArray());
        var letterId = letter.GetProperty("letterId").GetGuid();
        Assert.Equal("sanction-approved", letter.GetProperty("kind").GetString());
        Assert.Equal(decision.DecisionId, letter.GetProperty("decisionId").GetGuid());
        Assert.Equal(HumanGateFixture.Supervisor, letter.GetProperty("decidedBy").GetString());
        Assert.Equal(TestDelegations.Reference, letter.GetProperty("delegationReference").GetString());
        Assert.Equal(decision.Signature, letter.GetProperty("seal").GetProperty("signature").GetString());
        Assert.Equal(JsonValueKind.Null, letter.GetProperty("appealBy").ValueKind);

        // Acknowledging it is the proof of receipt from which the two months run.
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        var acknowledged = await me.PostAsync($"/api/recipients/{recipient}/decision-letters/{letterId}/acknowledgement", null);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        var received = await acknowledged.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(fixture.Clock.GetUtcNow(), received.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(
            WeekCalendar.TodayIn(fixture.Clock.GetUtcNow()).AddMonths(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            received.GetProperty("appealBy").GetString());

        // In English on request, and as a PDF.
        var english = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/decision-letters/{letterId}?language=en");
        Assert.Equal("Decision: 50 % of your RSA suspended", english.GetProperty("title").GetString());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/recipients/{recipient}/decision-letters/{letterId}.pdf");
        request.Headers.AcceptLanguage.ParseAdd("en-GB");
        var pdf = await me.SendAsync(request);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var englishText = PdfText(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("within two months of receiving this letter", englishText, StringComparison.Ordinal);
        Assert.Contains("tribunal administratif", englishText, StringComparison.Ordinal);

        // The seal's link lets anyone holding the letter check the signature against the public key, with their own tools.
        var link = new Uri(letter.GetProperty("seal").GetProperty("verificationUrl").GetString()!);
        Assert.StartsWith("http://review.test/api/decisions/", link.ToString(), StringComparison.Ordinal);
        var anonymous = fixture.Review.CreateClient();
        var seal = await anonymous.GetFromJsonAsync<JsonElement>(link.PathAndQuery);
        Assert.True(seal.GetProperty("verifies").GetBoolean());
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(seal.GetProperty("publicKey").GetString());
        Assert.True(publicKey.VerifyData(
            Convert.FromBase64String(seal.GetProperty("signedPayloadBase64").GetString()!),
            Convert.FromBase64String(seal.GetProperty("signature").GetString()!),
            HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.True(fixture.PublicKey.VerifyData(
            SanctionDecisionSignature.Payload(decision), Convert.FromBase64String(seal.GetProperty("signature").GetString()!), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/decisions/{decision.DecisionId}/seal?s=AAAAAAAAAAAAAAAAAAAAAA")).StatusCode);

        // Nobody else reads it; a letter that does not exist, or is not this person's, is a 404 problem.
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Review.ClientFor("recipient", "r-someone-else").GetAsync(
            $"/api/recipients/{recipient}/decision-letters/{letterId}")).StatusCode);
        var missing = await me.GetAsync($"/api/recipients/{recipient}/decision-letters/{Guid.NewGuid()}.pdf");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
        var other = HumanGateFixture.NewRecipient();
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Review.ClientFor("recipient", other).GetAsync(
            $"/api/recipients/{other}/decision-letters/{letterId}")).StatusCode);
    }

    [Fact]
    public async Task ARejection_GivesALetter_ThatNoSanctionIsTaken_NamingWhoDecidedAndTheirDelegation()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, _, proposal) = await fixture.ProposeAsync(recipient);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        var rejected = await fixture.SupervisorClient(HumanGateFixture.SecondSupervisor).PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/reject", new { reason = "Le manquement n'est pas établi." });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);

        var me = fixture.Review.ClientFor("recipient", recipient);
        var letter = Assert.Single((await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/decision-letters"))
            .GetProperty("letters").EnumerateArray());
        Assert.Equal("sanction-rejected", letter.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, letter.GetProperty("seal").ValueKind);
        var text = PdfText(await me.GetByteArrayAsync($"/api/recipients/{recipient}/decision-letters/{letter.GetProperty("letterId").GetGuid()}/pdf"));
        Assert.Contains("Décision : pas de sanction", text, StringComparison.Ordinal);
        Assert.Contains("votre RSA n'est pas modifié", text, StringComparison.Ordinal);
        Assert.Contains("Le manquement n'est pas établi.", text, StringComparison.Ordinal);
        Assert.Contains($"par Délégataire {HumanGateFixture.SecondSupervisor}, responsable du service RSA", text, StringComparison.Ordinal);
        Assert.Contains("arrêté n° 2026-117 du 3 mars 2026", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADecisionWithoutADelegationInForce_Is403_AndWritesNothing_UntilOneIsRecorded()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        Assert.Equal(HttpStatusCode.Created, (await fixture.Review.ClientFor("recipient", recipient).PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Rien à ajouter.", nothingToAdd = true })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        const string Undelegated = "agent-s-undelegated";
        const string Lapsed = "agent-s-lapsed";

        // A supervisor whose delegation lapsed yesterday, recorded by another supervisor.
        var yesterday = WeekCalendar.TodayIn(fixture.Clock.GetUtcNow()).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Created, (await fixture.SupervisorClient().PostAsJsonAsync("/api/review/delegations", new
        {
            agentId = Lapsed, agentName = "Lina Morel", agentRole = "adjointe au chef du service RSA", reference = "arrêté n° 2026-042 du 2 février 2026",
            validFrom = "2026-02-02", validUntil = yesterday,
        })).StatusCode);

        foreach (var (agent, action) in new[] { (Undelegated, "approve"), (Undelegated, "reject"), (Lapsed, "approve") })
        {
            var client = fixture.SupervisorClient(agent);
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
            var refused = await client.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/{action}", new { reason = "Manquement établi." });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(ProblemBase + "no-delegation", problem.GetProperty("type").GetString());
            Assert.Contains("no delegation in force", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Nothing was written: the proposal still waits, no letter, no decision in the outbox.
        var stillPending = await fixture.SupervisorClient().GetFromJsonAsync<JsonElement>($"/api/review/sanction-proposals/{proposalId}");
        Assert.Equal("pending", stillPending.GetProperty("state").GetString());
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM decision_letters WHERE proposal_id = @proposalId", new { proposalId }));
        Assert.Equal(0L, await HumanGateFixture.ScalarAsync<long>(
            fixture.ReviewDatabase, "SELECT count(*) FROM outbox WHERE message_type LIKE '%SanctionDecided%' AND body::text LIKE '%' || @id || '%'", new { id = proposalId.ToString() }));

        // Nobody records their own delegation; a request without its act is refused and named.
        var forSelf = await fixture.SupervisorClient(Undelegated).PostAsJsonAsync("/api/review/delegations", new
        {
            agentId = Undelegated, agentName = "Paul Girard", agentRole = "chef du service RSA", reference = "arrêté n° 2026-200", validFrom = "2026-11-01",
        });
        Assert.Equal(HttpStatusCode.Forbidden, forSelf.StatusCode);
        Assert.Equal(ProblemBase + "delegation-for-self", (await forSelf.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        var incomplete = await fixture.SupervisorClient().PostAsJsonAsync("/api/review/delegations", new
        {
            agentId = Undelegated, agentName = "Paul Girard", agentRole = "chef du service RSA", validFrom = "2026-13-01",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, incomplete.StatusCode);
        var errors = (await incomplete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("reference", out _));
        Assert.True(errors.TryGetProperty("validFrom", out _));

        // Once another supervisor records the act, the same person decides, and the letter names it.
        Assert.Equal(HttpStatusCode.Created, (await fixture.SupervisorClient().PostAsJsonAsync("/api/review/delegations", new
        {
            agentId = Undelegated, agentName = "Paul Girard", agentRole = "chef du service RSA", reference = "arrêté n° 2026-200 du 1er novembre 2026",
            validFrom = "2026-11-01",
        })).StatusCode);
        var delegations = await fixture.SupervisorClient().GetFromJsonAsync<JsonElement>("/api/review/delegations");
        Assert.Contains(delegations.GetProperty("delegations").EnumerateArray(),
            delegation => delegation.GetProperty("agentId").GetString() == Lapsed && !delegation.GetProperty("inForce").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await fixture.SupervisorClient(Undelegated).PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Manquement établi." })).StatusCode);
        var letter = Assert.Single((await fixture.Review.ClientFor("recipient", recipient).GetFromJsonAsync<JsonElement>(
            $"/api/recipients/{recipient}/decision-letters")).GetProperty("letters").EnumerateArray());
        Assert.Equal(("Paul Girard", "chef du service RSA", "arrêté n° 2026-200 du 1er novembre 2026"), (
            letter.GetProperty("authorName").GetString(), letter.GetProperty("authorRole").GetString(), letter.GetProperty("delegationReference").GetString()));
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(page => string.Join(" ", page.GetWords().Select(word => word.Text))));
    }
}
