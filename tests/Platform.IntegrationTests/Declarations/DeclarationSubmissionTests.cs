using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Contracts.Declarations;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Declarations;

public sealed class DeclarationSubmissionTests(DeclarationsFixture fixture) : IClassFixture<DeclarationsFixture>
{
    private static object Body(params object[] activities) => new { activities };

    private static object Activity(string date, decimal hours, string category = "job-search") => new { category, date, hours };

    [Fact]
    public async Task Submit_FirstTime_Returns201_StoresVersion1_AndPublishesDeclarationSubmitted()
    {
        var recipient = NewRecipient();
        var client = fixture.Service.ClientFor("recipient", recipient);

        var response = await client.PutAsJsonAsync(
            $"/api/recipients/{recipient}/declarations/2026-W48", Body(Activity("2026-11-23", 3), Activity("2026-11-24", 4.5m, "training")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"v1\"", response.Headers.ETag?.Tag);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal(7.5m, body.GetProperty("totalHours").GetDecimal());
        Assert.False(body.GetProperty("late").GetBoolean());
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM declaration_versions WHERE recipient_id = @recipient", new { recipient }));

        var submitted = await fixture.Events.WaitForAsync<DeclarationSubmitted>(e => e.RecipientId == recipient);
        Assert.Equal("2026-W48", submitted.Week);
        Assert.Equal(1, submitted.Version);
        Assert.Equal(7.5m, submitted.TotalHours);
        Assert.Equal(2, submitted.Activities.Count);
        Assert.Equal("declarations", submitted.Producer);
        Assert.True(submitted.ProducerSequence > 0);
    }

    [Fact]
    public async Task Amend_CreatesVersion2_AndASecondEvent_WhileResendingTheSameCreatesNothing()
    {
        var recipient = NewRecipient();
        var client = fixture.Service.ClientFor("recipient", recipient);
        var url = $"/api/recipients/{recipient}/declarations/2026-W48";

        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync(url, Body(Activity("2026-11-23", 3)))).StatusCode);
        var amended = await client.PutAsJsonAsync(url, Body(Activity("2026-11-23", 3), Activity("2026-11-25", 6, "workshop")));
        var resent = await client.PutAsJsonAsync(url, Body(Activity("2026-11-25", 6, "workshop"), Activity("2026-11-23", 3)));

        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        Assert.Equal(2, (await amended.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal(2, (await resent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Equal(2, await fixture.CountAsync("SELECT count(*) FROM declaration_versions WHERE recipient_id = @recipient", new { recipient }));
        await fixture.Events.WaitForAsync<DeclarationSubmitted>(e => e.RecipientId == recipient && e.Version == 2);
        Assert.Equal(2, await fixture.Events.CountAfterQuietAsync<DeclarationSubmitted>(TimeSpan.FromSeconds(1), e => e.RecipientId == recipient));

        var read = await fixture.Service.ClientFor("counsellor", "agent-7").GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"v2\"", read.Headers.ETag?.Tag);
        var declaration = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, declaration.GetProperty("versions").GetArrayLength());
        Assert.Equal(9m, declaration.GetProperty("totalHours").GetDecimal());
    }

    [Fact]
    public async Task Submit_AfterTheDeadline_IsAcceptedAndMarkedLate()
    {
        var recipient = NewRecipient();
        var client = fixture.Service.ClientFor("recipient", recipient);

        // 2026-W46's deadline was Tuesday 2026-11-17 00:00 in Paris; the fixture's clock is 2026-11-26.
        var response = await client.PutAsJsonAsync($"/api/recipients/{recipient}/declarations/2026-W46", Body(Activity("2026-11-10", 2)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("late").GetBoolean());
        var submitted = await fixture.Events.WaitForAsync<DeclarationSubmitted>(e => e.RecipientId == recipient);
        Assert.True(submitted.Late);
    }

    [Fact]
    public async Task Put_WithAStaleIfMatch_Returns412_AndWritesNothing()
    {
        var recipient = NewRecipient();
        var client = fixture.Service.ClientFor("recipient", recipient);
        var url = $"/api/recipients/{recipient}/declarations/2026-W48";
        await client.PutAsJsonAsync(url, Body(Activity("2026-11-23", 3)));
        await client.PutAsJsonAsync(url, Body(Activity("2026-11-23", 4)));

        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(Body(Activity("2026-11-23", 5))) };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"v1\""));
        var response = await client.SendAsync(stale);

        await AssertProblemAsync(response, HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal(2, await fixture.CountAsync("SELECT count(*) FROM declaration_versions WHERE recipient_id = @recipient", new { recipient }));
    }

    public static TheoryData<string, string, string> InvalidDeclarations => new()
    {
        { "date outside the week", "2026-W48", """{"activities":[{"category":"job-search","date":"2026-11-30","hours":2}]}""" },
        { "zero hours", "2026-W48", """{"activities":[{"category":"job-search","date":"2026-11-23","hours":0}]}""" },
        { "negative hours", "2026-W48", """{"activities":[{"category":"job-search","date":"2026-11-23","hours":-1}]}""" },
        { "over 24 hours in a day", "2026-W48", """{"activities":[{"category":"job-search","date":"2026-11-23","hours":20},{"category":"training","date":"2026-11-23","hours":5}]}""" },
        { "a week more than one week ahead", "2026-W50", """{"activities":[{"category":"job-search","date":"2026-12-07","hours":2}]}""" },
        { "unknown category", "2026-W48", """{"activities":[{"category":"gardening","date":"2026-11-23","hours":2}]}""" },
        { "duplicate activities", "2026-W48", """{"activities":[{"category":"job-search","date":"2026-11-23","hours":2},{"category":"job-search","date":"2026-11-23","hours":2}]}""" },
        { "not a week", "2026-48", """{"activities":[]}""" },
        { "no activities list", "2026-W48", """{}""" },
        { "not a date", "2026-W48", """{"activities":[{"category":"job-search","date":"23/11/2026","hours":2}]}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidDeclarations))]
    public async Task Submit_InvalidDeclaration_Returns422WithTheFailingField_AndWritesNothing(string why, string week, string json)
    {
        var recipient = NewRecipient();
        var client = fixture.Service.ClientFor("recipient", recipient);

        var response = await client.PutAsync(
            $"/api/recipients/{recipient}/declarations/{week}", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(), why);
        await AssertNothingWrittenAsync(recipient);
    }

    [Fact]
    public async Task Submit_ValidationMessages_FollowAcceptLanguage()
    {
        var recipient = NewRecipient();
        var client = fixture.Service.ClientFor("recipient", recipient);
        var json = """{"activities":[{"category":"gardening","date":"2026-11-23","hours":2}]}""";

        async Task<string> MessageIn(string language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/recipients/{recipient}/declarations/2026-W48")
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };
            request.Headers.AcceptLanguage.ParseAdd(language);
            var problem = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            return problem.GetProperty("errors").GetProperty("activities[0].category")[0].GetString()!;
        }

        Assert.StartsWith("Catégorie inconnue", await MessageIn("fr-FR"));
        Assert.StartsWith("Unknown category", await MessageIn("en-GB"));
    }

    [Fact]
    public async Task Submit_MalformedJson_Returns400_AndWritesNothing()
    {
        var recipient = NewRecipient();
        var response = await fixture.Service.ClientFor("recipient", recipient).PutAsync(
            $"/api/recipients/{recipient}/declarations/2026-W48",
            new StringContent("""{"activities":[{"category":"job-search","date":"2026-11-23","hours":"three"}]}""", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed-request");
        await AssertNothingWrittenAsync(recipient);
    }

    [Fact]
    public async Task Submit_BodyOver64KiB_Returns413_AndWritesNothing()
    {
        var recipient = NewRecipient();
        var note = new string('a', 70 * 1024);
        var response = await fixture.Service.ClientFor("recipient", recipient).PutAsJsonAsync(
            $"/api/recipients/{recipient}/declarations/2026-W48",
            new { activities = new[] { new { category = "job-search", date = "2026-11-23", hours = 2, note } } });

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "request-too-large");
        await AssertNothingWrittenAsync(recipient);
    }

    public static TheoryData<string, string?, HttpStatusCode, string> RefusedCallers => new()
    {
        { "no token", null, HttpStatusCode.Unauthorized, "unauthenticated" },
        { "forged token", TestTokens.Forged("recipient", "SELF"), HttpStatusCode.Unauthorized, "unauthenticated" },
        { "another recipient", TestTokens.For("recipient", "someone-else"), HttpStatusCode.Forbidden, "forbidden" },
        { "a counsellor", TestTokens.For("counsellor", "agent-1"), HttpStatusCode.Forbidden, "forbidden" },
        { "an auditor", TestTokens.For("auditor", "auditor-1"), HttpStatusCode.Forbidden, "forbidden" },
    };

    [Theory]
    [MemberData(nameof(RefusedCallers))]
    public async Task Submit_ByAnyoneButTheRecipient_IsRefused_AndWritesNothing(string who, string? token, HttpStatusCode status, string type)
    {
        var recipient = NewRecipient();
        var client = fixture.Service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/recipients/{recipient}/declarations/2026-W48")
        {
            Content = JsonContent.Create(Body(Activity("2026-11-23", 3))),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token.Replace("SELF", recipient, StringComparison.Ordinal));
        }

        var response = await client.SendAsync(request);

        await AssertProblemAsync(response, status, type);
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM declaration_versions WHERE recipient_id = @recipient", new { recipient }));
        _ = who;
    }

    [Fact]
    public async Task Read_AnotherRecipientsDeclarations_Returns403()
    {
        var owner = NewRecipient();
        await fixture.Service.ClientFor("recipient", owner).PutAsJsonAsync(
            $"/api/recipients/{owner}/declarations/2026-W48", Body(Activity("2026-11-23", 3)));

        var intruder = fixture.Service.ClientFor("recipient", NewRecipient());

        await AssertProblemAsync(await intruder.GetAsync($"/api/recipients/{owner}/declarations/2026-W48"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await intruder.GetAsync($"/api/recipients/{owner}/declarations"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task List_ReturnsEachWeekWithItsLatestVersion()
    {
        var recipient = NewRecipient();
        var client = fixture.Service.ClientFor("recipient", recipient);
        await client.PutAsJsonAsync($"/api/recipients/{recipient}/declarations/2026-W47", Body(Activity("2026-11-16", 1)));
        await client.PutAsJsonAsync($"/api/recipients/{recipient}/declarations/2026-W48", Body(Activity("2026-11-23", 2)));
        await client.PutAsJsonAsync($"/api/recipients/{recipient}/declarations/2026-W48", Body(Activity("2026-11-23", 5)));

        var list = await client.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/declarations?from=2026-W40&to=2026-W49");

        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["2026-W47", "2026-W48"], items.Select(item => item.GetProperty("week").GetString()));
        Assert.Equal(2, items[1].GetProperty("version").GetInt32());
        Assert.Equal(5m, items[1].GetProperty("totalHours").GetDecimal());
    }

    [Fact]
    public async Task List_OverMoreThan104Weeks_Returns422()
    {
        var recipient = NewRecipient();
        var response = await fixture.Service.ClientFor("recipient", recipient)
            .GetAsync($"/api/recipients/{recipient}/declarations?from=2024-W01&to=2026-W48");

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
    }

    private static string NewRecipient() => "R-" + Guid.NewGuid().ToString("N")[..12];

    private async Task AssertNothingWrittenAsync(string recipient)
    {
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM declaration_versions WHERE recipient_id = @recipient", new { recipient }));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM outbox WHERE body->>'recipientId' = @recipient", new { recipient }));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<DeclarationSubmitted>(TimeSpan.FromMilliseconds(300), e => e.RecipientId == recipient));
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/problems/" + type, problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }
}
