using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Declarations;
using Platform.IntegrationTests.Declarations;

namespace Platform.IntegrationTests.DueProcess;

/// <summary>
/// What the declarations service accepts of absences, engagements and health-revealing activities, through HTTP: each
/// bad input answers 422 naming the field, in French and English, and writes and publishes nothing.
/// </summary>
public sealed class AbsenceDeclarationTests(DeclarationsFixture fixture) : IClassFixture<DeclarationsFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private const string Absences = "SELECT count(*) FROM absences WHERE recipient_id = @recipient";

    private static string NewRecipient() => $"r-{Guid.NewGuid():N}"[..20];

    private HttpClient Recipient(string recipient) => fixture.Service.ClientFor("recipient", recipient);

    private HttpClient Counsellor() => fixture.Service.ClientFor("counsellor", "agent-7");

    private static object Absence(string fromWeek, string toWeek, string kind = "childcare-breakdown") =>
        new { fromWeek, toWeek, kind, details = "La crèche a fermé sans préavis.", documentReference = (string?)null };

    public static TheoryData<string, string, string> BadPeriods => new()
    {
        // case, from, to (the clock is Thursday 2026-11-26; three months ahead is 2027-02-26)
        { "end before start", "2026-W47", "2026-W45" },
        { "more than three months ahead", "2027-W08", "2027-W10" },
    };

    [Theory]
    [MemberData(nameof(BadPeriods))]
    public async Task Declare_ABadPeriod_Answers422NamingToWeek_InBothLanguages_AndWritesNothing(string name, string from, string to)
    {
        var recipient = NewRecipient();
        var client = Recipient(recipient);

        var response = await client.PostAsJsonAsync($"/api/recipients/{recipient}/absences", Absence(from, to));
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var english = await client.PostAsJsonAsync($"/api/recipients/{recipient}/absences", Absence(from, to));

        Assert.True(HttpStatusCode.UnprocessableEntity == response.StatusCode, name);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://xp-rsa.example/problems/validation", problem.GetProperty("type").GetString());
        var french = problem.GetProperty("errors").GetProperty("toWeek")[0].GetString()!;
        var inEnglish = (await english.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("toWeek")[0].GetString()!;
        Assert.Contains("semaine", french, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("week", inEnglish, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(french, inEnglish);
        Assert.Equal(0, await fixture.CountAsync(Absences, new { recipient }));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<AbsenceDeclared>(Quiet, e => e.RecipientId == recipient));
    }

    [Fact]
    public async Task Declare_AnOverlappingPeriod_Answers422NamingFromWeek_UnlessTheEarlierWasRefused()
    {
        var recipient = NewRecipient();
        var url = $"/api/recipients/{recipient}/absences";
        var first = await Recipient(recipient).PostAsJsonAsync(url, Absence("2026-W45", "2026-W46"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("absenceId").GetGuid();

        var overlapping = await Recipient(recipient).PostAsJsonAsync(url, Absence("2026-W46", "2026-W47", "illness"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, overlapping.StatusCode);
        var errors = (await overlapping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("2026-W45", errors.GetProperty("fromWeek")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await fixture.CountAsync(Absences, new { recipient }));

        // Once the first is refused, its weeks may be declared again (with the right justification).
        Assert.Equal(HttpStatusCode.OK, (await Counsellor().PostAsJsonAsync($"{url}/{firstId}/refuse", new { reason = "Pas de justificatif." })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Recipient(recipient).PostAsJsonAsync(url, Absence("2026-W46", "2026-W47", "illness"))).StatusCode);
        Assert.Equal(2, await fixture.CountAsync(Absences, new { recipient }));
    }

    [Fact]
    public async Task Declare_IsTheRecipientsOwn_AndPublishesTheWeeksOnly()
    {
        var recipient = NewRecipient();
        var url = $"/api/recipients/{recipient}/absences";

        Assert.Equal(HttpStatusCode.Forbidden, (await Recipient("someone-else").PostAsJsonAsync(url, Absence("2026-W45", "2026-W45"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Counsellor().PostAsJsonAsync(url, Absence("2026-W45", "2026-W45"))).StatusCode);
        var declared = await Recipient(recipient).PostAsJsonAsync(url, new
        {
            fromWeek = "2026-W45", toWeek = "2026-W45", kind = "hospitalisation", details = "Opération programmée.", documentReference = "bulletin-hospitalisation-123",
        });

        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        var body = await declared.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", body.GetProperty("status").GetString());
        Assert.Equal("hospitalisation", body.GetProperty("kind").GetString());
        Assert.Equal("bulletin-hospitalisation-123", body.GetProperty("documentReference").GetString());
        await fixture.Events.WaitForAsync<AbsenceDeclared>(e => e.RecipientId == recipient);
        var published = fixture.Events.Received.First(e => e.Is<AbsenceDeclared>() && e.Message<AbsenceDeclared>().RecipientId == recipient);
        Assert.DoesNotContain("hospitalisation", published.Body.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Opération", published.Body.GetRawText(), StringComparison.Ordinal);
        var listed = await Counsellor().GetFromJsonAsync<JsonElement>(url);
        Assert.Equal(1, listed.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Decide_WithoutAReason_Answers422_AndAnUnknownAbsence404()
    {
        var recipient = NewRecipient();
        var url = $"/api/recipients/{recipient}/absences";
        var id = (await (await Recipient(recipient).PostAsJsonAsync(url, Absence("2026-W45", "2026-W45"))).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("absenceId").GetGuid();

        var noReason = await Counsellor().PostAsJsonAsync($"{url}/{id}/accept", new { reason = " " });
        var unknown = await Counsellor().PostAsJsonAsync($"{url}/{Guid.NewGuid()}/accept", new { reason = "Justifié." });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM absence_decisions WHERE absence_id = @id", new { id }));
    }

    [Theory]
    [InlineData(null, null, "hoursPerWeek")]
    [InlineData(10, null, "reductionReason")]
    [InlineData(0, "tired", "reductionReason")]
    public async Task SetEngagement_WithoutHours_OrUnder15WithoutAReason_Answers422(int? hours, string? reason, string field)
    {
        var recipient = NewRecipient();

        var response = await Counsellor().PutAsJsonAsync(
            $"/api/recipients/{recipient}/engagement", new { hoursPerWeek = hours, fromWeek = "2026-W45", reductionReason = reason });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient }));
    }

    [Fact]
    public async Task SetEngagement_Under15WithAReason_KeepsTheReasonHere_AndPublishesTheHoursOnly()
    {
        var recipient = NewRecipient();

        var response = await Counsellor().PutAsJsonAsync(
            $"/api/recipients/{recipient}/engagement", new { hoursPerWeek = 0, fromWeek = "2026-W45", reductionReason = "disability" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("disability", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reductionReason").GetString());
        await fixture.Events.WaitForAsync<EngagementSet>(e => e.RecipientId == recipient && e.HoursPerWeek == 0);
        var published = fixture.Events.Received.First(e => e.Is<EngagementSet>() && e.Message<EngagementSet>().RecipientId == recipient);
        Assert.DoesNotContain("disability", published.Body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHealthActivity_IsAPersonalAppointmentToCounsellors_UnlessShared_WhileThePersonSeesTheirOwn()
    {
        var recipient = NewRecipient();
        var url = $"/api/recipients/{recipient}/declarations/2026-W48";
        var submitted = await Recipient(recipient).PutAsJsonAsync(url, new
        {
            activities = new object[]
            {
                new { category = "health", date = "2026-11-23", hours = 2m, note = "Séance de chimiothérapie" },
                new { category = "health", date = "2026-11-24", hours = 1m, note = "Kinésithérapie", shareWithCounsellor = true },
                new { category = "job-search", date = "2026-11-25", hours = 4m, note = "Deux candidatures" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);

        var own = (await Recipient(recipient).GetFromJsonAsync<JsonElement>(url)).GetProperty("activities");
        var seenByCounsellor = (await Counsellor().GetFromJsonAsync<JsonElement>(url)).GetProperty("activities");
        var listedToCounsellor = (await Counsellor().GetFromJsonAsync<JsonElement>(
            $"/api/recipients/{recipient}/declarations?from=2026-W48&to=2026-W48")).GetProperty("items")[0].GetProperty("activities");

        Assert.Equal(["health", "health", "job-search"], own.EnumerateArray().Select(a => a.GetProperty("category").GetString()));
        Assert.Equal("Séance de chimiothérapie", own[0].GetProperty("note").GetString());
        foreach (var activities in new[] { seenByCounsellor, listedToCounsellor })
        {
            Assert.Equal(["personal-appointment", "health", "job-search"], activities.EnumerateArray().Select(a => a.GetProperty("category").GetString()));
            Assert.Equal(2m, activities[0].GetProperty("hours").GetDecimal());
            Assert.DoesNotContain("chimio", activities.GetRawText(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal("Kinésithérapie", activities[1].GetProperty("note").GetString());
        }

        // What other services (rules, review, audit) receive is masked the same way.
        var declared = await fixture.Events.WaitForAsync<DeclarationSubmitted>(e => e.RecipientId == recipient);
        Assert.Equal(["personal-appointment", "health", "job-search"], declared.Activities.Select(a => a.Category));
        Assert.Null(declared.Activities[0].Note);
        Assert.Equal(7m, declared.TotalHours);
    }
}
