using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Platform.IntegrationTests.Infrastructure;
using Platform.Rules.Calendar;
using Xunit.Abstractions;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// Every route of every service, as the committed OpenAPI documents list it, against every kind of caller that must be
/// refused: no token, a forged token, an expired one, one from another issuer, one for another API, the wrong role and
/// another recipient. The platform first holds real data, made through its APIs and the bus (an engagement,
/// declarations, flags and their cases, a proposal with its notice, an allocation, a suspension, a statement that the
/// obligations are met); each refused call names real ids and carries a valid body, so only the access rule stands
/// between it and a write. After the outboxes are drained, every table of every service holds the same rows as before,
/// and no event crossed the bus. A route with no entry below fails the test, so a new route cannot ship without its
/// access rule.
/// </summary>
public sealed class AccessMatrixTests(ITestOutputHelper output)
{
    private const string Own = "R-OWN";
    private const string ProblemBase = "https://xp-rsa.example/problems/";

    /// <summary>Who may call each route. "own" is the recipient the route's {recipientId} names.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["declarations PUT /api/recipients/{recipientId}/engagement"] = ["counsellor"],
        ["declarations GET /api/recipients/{recipientId}/engagement"] = ["own", "counsellor"],
        ["declarations PUT /api/recipients/{recipientId}/declarations/{week}"] = ["own"],
        ["declarations GET /api/recipients/{recipientId}/declarations/{week}"] = ["own", "counsellor"],
        ["declarations GET /api/recipients/{recipientId}/declarations"] = ["own", "counsellor"],
        ["declarations POST /api/recipients/{recipientId}/absences"] = ["own"],
        ["declarations GET /api/recipients/{recipientId}/absences"] = ["own", "counsellor"],
        ["declarations GET /api/recipients/{recipientId}/absences/{absenceId}"] = ["own", "counsellor"],
        ["declarations POST /api/recipients/{recipientId}/absences/{absenceId}/accept"] = ["counsellor"],
        ["declarations POST /api/recipients/{recipientId}/absences/{absenceId}/refuse"] = ["counsellor"],
        ["rules GET /api/rules"] = ["anyone"],
        ["rules GET /api/rules/statistics"] = ["anyone"],
        ["rules GET /api/rules/{ruleId}/versions/{version}"] = ["anyone"],
        ["rules POST /api/rules/simulations"] = ["supervisor"],
        ["review GET /api/review/cases"] = ["counsellor", "supervisor"],
        ["review GET /api/review/cases/{caseId}"] = ["counsellor", "supervisor"],
        ["review POST /api/review/cases/{caseId}/claim"] = ["counsellor"],
        ["review POST /api/review/cases/{caseId}/dismiss"] = ["counsellor"],
        ["review POST /api/review/cases/{caseId}/resolve"] = ["counsellor"],
        ["review POST /api/review/cases/{caseId}/sanction-proposals"] = ["counsellor"],
        ["review GET /api/review/sanction-proposals/{proposalId}"] = ["counsellor", "supervisor"],
        ["review POST /api/review/sanction-proposals/{proposalId}/approve"] = ["supervisor"],
        ["review POST /api/review/sanction-proposals/{proposalId}/reject"] = ["supervisor"],
        ["review GET /api/recipients/{recipientId}/flags"] = ["own"],
        ["review POST /api/recipients/{recipientId}/obligations-met"] = ["own", "counsellor"],
        ["review GET /api/recipients/{recipientId}/suspensions"] = ["own", "counsellor", "supervisor"],
        ["review POST /api/review/suspensions/{decisionId}/end"] = ["counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/flags/{flagId}/explanation"] = ["own"],
        ["review POST /api/recipients/{recipientId}/flags/{flagId}/observations"] = ["own"],
        ["review GET /api/recipients/{recipientId}/notices"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/notices/{noticeId}"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/notices/{noticeId}.pdf"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/notices/{noticeId}/pdf"] = ["own", "counsellor", "supervisor"],
        ["review POST /api/recipients/{recipientId}/notices/{noticeId}/acknowledgement"] = ["own"],
        ["review GET /api/notices/acknowledge"] = ["anyone"],
        ["review POST /api/review/notices/{noticeId}/postal-receipt"] = ["counsellor", "supervisor"],
        ["review POST /api/recipients/{recipientId}/notices/{noticeId}/hearing"] = ["own", "counsellor"],
        ["review POST /api/review/sanction-proposals/{proposalId}/hearing/schedule"] = ["counsellor", "supervisor"],
        ["review POST /api/review/sanction-proposals/{proposalId}/hearing/record"] = ["counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/contact"] = ["own", "counsellor"],
        ["review GET /api/recipients/{recipientId}/decision-letters"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/decision-letters/{letterId}"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/decision-letters/{letterId}.pdf"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/decision-letters/{letterId}/pdf"] = ["own", "counsellor", "supervisor"],
        ["review POST /api/recipients/{recipientId}/decision-letters/{letterId}/acknowledgement"] = ["own"],
        ["review POST /api/recipients/{recipientId}/appeals"] = ["own"],
        ["review GET /api/recipients/{recipientId}/appeals"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/appeals/{appealId}"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/recipients/{recipientId}/appeals/{appealId}/letters/{letterId}/pdf"] = ["own", "counsellor", "supervisor"],
        ["review GET /api/review/appeals"] = ["counsellor", "supervisor"],
        ["review POST /api/review/appeals"] = ["counsellor", "supervisor"],
        ["review POST /api/review/appeals/{appealId}/commission-opinion"] = ["counsellor", "supervisor"],
        ["review POST /api/review/appeals/{appealId}/decide"] = ["counsellor", "supervisor"],
        ["review GET /api/decisions/{decisionId}/seal"] = ["anyone"],
        ["review GET /api/review/delegations"] = ["supervisor"],
        ["review POST /api/review/delegations"] = ["supervisor"],
        ["review PUT /api/recipients/{recipientId}/contact"] = ["own", "counsellor"],
        ["allocations PUT /api/recipients/{recipientId}/allocation"] = ["payer"],
        ["allocations GET /api/recipients/{recipientId}/allocation"] = ["own", "counsellor"],
        ["audit GET /api/audit/events"] = ["auditor"],
        ["audit GET /api/audit/verification"] = ["auditor"],
        ["audit GET /api/audit/checkpoints"] = ["auditor"],
        ["audit GET /api/audit/replay"] = ["auditor"],
        ["audit GET /api/audit/appeals/statistics"] = ["auditor"],
        ["declarations POST /api/recipients/{recipientId}/transfer"] = ["counsellor", "supervisor"],
        ["audit GET /api/recipients/{recipientId}/consultations"] = ["own"],
    };

    /// <summary>
    /// The people who call, with the départements of their token; "nobody" sends no token. The seeded recipient belongs
    /// to Paris (75): its agents are let through, Marseille's (13) find nothing of it, and an agent whose token names no
    /// département is refused everywhere.
    /// </summary>
    private static readonly Dictionary<string, (string Role, string Subject, string Departements)?> People = new()
    {
        ["nobody"] = null,
        ["own"] = ("recipient", Own, ""),
        ["other recipient"] = ("recipient", "R-OTHER", ""),
        ["counsellor"] = ("counsellor", "agent-c", "75"),
        ["supervisor"] = ("supervisor", "agent-s", "75"),
        ["auditor"] = ("auditor", "agent-a", "*"),
        ["payer"] = ("payer", "caf-a", ""),
        ["counsellor elsewhere"] = ("counsellor", "agent-c13", "13"),
        ["supervisor elsewhere"] = ("supervisor", "agent-s13", "13"),
        ["agent without département"] = ("counsellor", "agent-c0", ""),
    };

    /// <summary>The route parameters that name the seeded recipient's data: another département's agent gets 404 there.</summary>
    private static readonly string[] RecipientParameters = ["{recipientId}", "{caseId}", "{proposalId}", "{noticeId}", "{decisionId}", "{appealId}"];

    /// <summary>A valid body for each route that takes one (a route with a body and no entry here fails the test).</summary>
    private static readonly Dictionary<string, Func<Seeded, object>> Bodies = new()
    {
        ["declarations PUT /api/recipients/{recipientId}/engagement"] = seed => new { hoursPerWeek = 20, fromWeek = seed.ThisWeek },
        ["declarations POST /api/recipients/{recipientId}/transfer"] = _ => new { toDepartement = "93", reason = "Déménagement à Saint-Denis." },
        ["declarations POST /api/recipients/{recipientId}/absences"] = seed => new
        {
            fromWeek = seed.FreeWeek, toWeek = seed.FreeWeek, kind = "childcare-breakdown", details = "La crèche a fermé.",
        },
        ["declarations POST /api/recipients/{recipientId}/absences/{absenceId}/accept"] = _ => new { reason = "Attestation reçue." },
        ["declarations POST /api/recipients/{recipientId}/absences/{absenceId}/refuse"] = _ => new { reason = "Période non justifiée." },
        ["declarations PUT /api/recipients/{recipientId}/declarations/{week}"] = seed => new
        {
            activities = new[] { new { category = "job-search", date = seed.ThisWeekMonday, hours = 20m } },
        },
        ["rules POST /api/rules/simulations"] = seed => new
        {
            fromWeek = seed.FirstWeek,
            toWeek = seed.ThisWeek,
            parameters = new Dictionary<string, Dictionary<string, decimal>> { ["weekly-hours-below-engagement"] = new() { ["toleranceHours"] = 3 } },
        },
        ["review POST /api/review/cases/{caseId}/dismiss"] = _ => new { reason = "Semaine couverte par un arrêt maladie." },
        ["review POST /api/review/cases/{caseId}/resolve"] = _ => new { supportAction = "Rendez-vous d'accompagnement fixé.", reason = "Difficulté passagère." },
        ["review POST /api/review/cases/{caseId}/sanction-proposals"] = seed => new
        {
            percent = 30,
            months = 1,
            startMonth = seed.NextMonth,
            reason = "Manquement répété.",
            assessment = new
            {
                vulnerability = "Aucune connue.",
                dependants = "Personne seule.",
                natureAndFrequency = "Trois semaines sous l'engagement.",
                consequences = "30 % pendant un mois.",
            },
        },
        ["review POST /api/review/sanction-proposals/{proposalId}/approve"] = _ => new { reason = "Manquement confirmé." },
        ["review POST /api/review/sanction-proposals/{proposalId}/reject"] = _ => new { reason = "Manquement non établi." },
        ["review POST /api/recipients/{recipientId}/flags/{flagId}/observations"] = _ => new { text = "J'étais malade." },
        ["review POST /api/recipients/{recipientId}/obligations-met"] = _ => new { text = "J'ai repris mes démarches." },
        ["review POST /api/review/suspensions/{decisionId}/end"] = seed => new
        {
            fromMonth = seed.NextMonth,
            reason = "Démarches reprises.",
            statementId = seed.StatementId,
        },
        ["review POST /api/review/notices/{noticeId}/postal-receipt"] = seed => new { trackingReference = "1A00000000001", receivedOn = seed.Today },
        ["review PUT /api/recipients/{recipientId}/contact"] = _ => new { email = "forger@example.org" },
        ["review POST /api/recipients/{recipientId}/appeals"] = seed => new { decisionId = seed.DecisionId, reasons = "Je conteste cette décision." },
        ["review POST /api/review/appeals"] = seed => new
        {
            recipientId = Own, decisionId = seed.DecisionId, reasons = "Courrier reçu : l'allocataire conteste.", receivedOn = seed.Today,
        },
        ["review POST /api/review/appeals/{appealId}/commission-opinion"] = _ => new { opinion = "Avis favorable de la commission." },
        ["review POST /api/review/appeals/{appealId}/decide"] = _ => new { outcome = "annulled", reason = "Manquement non établi." },
        ["review POST /api/review/delegations"] = seed => new
        {
            agentId = "agent-forged-delegate", agentName = "Agent Délégué", agentRole = "chef de service", reference = "arrêté n° 2026-999", validFrom = seed.Today,
        },
        ["review POST /api/recipients/{recipientId}/notices/{noticeId}/hearing"] = _ => new { assistantName = "Mme Martin", assistantRole = "association" },
        ["review POST /api/review/sanction-proposals/{proposalId}/hearing/schedule"] = _ => new { scheduledAt = DateTimeOffset.UtcNow.AddDays(3), place = "Agence" },
        ["review POST /api/review/sanction-proposals/{proposalId}/hearing/record"] = _ => new { personAttended = false, summary = "Ne s'est pas présenté." },
        ["allocations PUT /api/recipients/{recipientId}/allocation"] = seed => new
        {
            monthlyBaseAmount = 0m,
            householdSize = 1,
            loneParentIncrease = false,
            fromMonth = seed.ThisMonth,
        },
    };

    [Fact]
    public async Task EveryRoute_WithRealIdsAndValidBodies_RefusesEachWrongCaller_AndRefusalsChangeNoRowAndPublishNothing()
    {
        // Each service under its own broker user, with the permissions of deploy/rabbitmq/definitions.json.
        var servers = await PlatformServers.GetAsync();
        var (virtualHost, settings, users) = await BrokerUsers.FromDefinitionsAsync(servers);
        try
        {
            // No timer publishes while the calls are made: producer heads and checkpoints wait (a day), so whatever
            // reaches a table or the bus in between came from a call.
            settings["Outbox__HeadInterval"] = "1.00:00:00";
            settings["audit:Audit__Checkpoints__Interval"] = "1.00:00:00";
            foreach (var (key, value) in TestDelegations.ForProcess("agent-seed-supervisor"))
            {
                settings[key] = value;
            }

            await CheckEveryRouteAsync(virtualHost, settings);
        }
        finally
        {
            await BrokerUsers.DeleteAsync(servers, users.Values);
        }
    }

    private async Task CheckEveryRouteAsync(string virtualHost, Dictionary<string, string> settings)
    {
        var routes = await CommittedRoutesAsync();
        var listed = routes.Select(route => route.Key).ToHashSet();
        Assert.Empty(listed.Except(Allowed.Keys));   // a route without an access rule
        Assert.Empty(Allowed.Keys.Except(listed));   // an access rule without its route
        Assert.Empty(routes.Where(route => route.HasBody && !Bodies.ContainsKey(route.Key)).Select(route => route.Key)); // a body to send

        // The API services; the web front's pages are covered by its browser tests.
        var services = routes.Select(route => route.Service).Distinct().Order().ToArray();
        Assert.Equal(PlatformProcesses.Catalogue.Keys.Where(service => service != "web").Order(), services);
        await using var platform = await PlatformProcesses.StartOnAsync(virtualHost, settings, services);
        var seed = await SeedAsync(platform);
        var tokens = await TokensAsync(platform.Provider, routes);

        var before = await SettledSnapshotAsync(platform, services);
        await using var probe = await EventProbe.StartAsync(platform.Servers.Amqp, platform.VirtualHost);
        var failures = new List<string>();
        var allowedCalls = new List<(Route Route, string Caller, string? Token)>();
        var refusals = 0;
        foreach (var route in routes)
        {
            var allowed = Allowed[route.Key];
            var callers = People.Keys.Select(caller => (Caller: caller, Token: caller == "nobody" ? null : TokenOf(platform, caller)))
                .Append(("forged", TestTokens.Forged("counsellor", "agent-forger")))
                .Concat(DefectiveTokens(tokens, route, allowed));
            foreach (var (caller, token) in callers)
            {
                var (expected, expectedType) = Expected(allowed, caller, route);
                if (expected is null)
                {
                    allowedCalls.Add((route, caller, token));
                    continue;
                }

                refusals++;
                using var response = await CallAsync(platform, route, seed, token, asSeeded: true);
                var problem = await ProblemTypeAsync(response);
                if (response.StatusCode != expected)
                {
                    failures.Add($"{caller} → {route.Method} {route.Path} ({route.Service}): {(int)response.StatusCode}, expected {(int)expected}");
                }
                else if (problem != ProblemBase + expectedType)
                {
                    failures.Add($"{caller} → {route.Method} {route.Path} ({route.Service}): {(int)response.StatusCode} without its problem details (type {problem ?? "none"})");
                }
            }
        }

        // Refused calls changed no row of any table of any service, and published nothing.
        var after = await SettledSnapshotAsync(platform, services);
        Assert.Equal(before, after);
        Assert.Empty(probe.Received.Select(received => received.TypeName));

        // Allowed calls get past authentication and authorisation (their empty bodies and unknown ids then meet
        // validation or "not found", which is theirs to answer).
        foreach (var (route, caller, token) in allowedCalls)
        {
            using var response = await CallAsync(platform, route, seed, token, asSeeded: false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.InternalServerError)
            {
                failures.Add($"{caller} → {route.Method} {route.Path} ({route.Service}): {(int)response.StatusCode}, expected to be let through");
            }
        }

        output.WriteLine($"{routes.Count} routes, {refusals} refused calls and {allowedCalls.Count} allowed ones checked");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// Null when the caller is let through; otherwise 401 for no or an invalid token, 403 for the wrong person or an
    /// agent of no département, and for another département's agent 404 where the route names the Paris recipient's
    /// data (409 on the engagement, which says the recipient is another département's; the paper appeal names them in
    /// its body).
    /// </summary>
    private static (HttpStatusCode? Status, string Type) Expected(string[] allowed, string caller, Route route) => caller switch
    {
        _ when allowed.Contains("anyone") => (null, ""),
        "nobody" or "forged" or "expired" or "wrong issuer" or "wrong audience" => (HttpStatusCode.Unauthorized, "unauthenticated"),
        "agent without département" => (HttpStatusCode.Forbidden, "departements-missing"),
        "counsellor elsewhere" or "supervisor elsewhere" when allowed.Contains(People[caller]!.Value.Role) =>
            route.Key == "declarations PUT /api/recipients/{recipientId}/engagement" ? (HttpStatusCode.Conflict, "recipient-in-another-departement")
            : RecipientParameters.Any(route.Path.Contains) || route.Key == "review POST /api/review/appeals" ? (HttpStatusCode.NotFound, "not-found")
            : (null, ""),
        _ when allowed.Contains(caller) => (null, ""),
        _ => (HttpStatusCode.Forbidden, "forbidden"),
    };

    private static string TokenOf(PlatformProcesses platform, string caller)
    {
        var (role, subject, departements) = People[caller]!.Value;
        return platform.Provider.Token(role, subject, departements);
    }

    /// <summary>
    /// For a route that needs a person, tokens the provider really issued to a person the route lets through, each
    /// wrong in one way only: expired (beyond the clock skew), issued under another issuer name, or for another API.
    /// </summary>
    private static IEnumerable<(string Caller, string? Token)> DefectiveTokens(
        Dictionary<(string Kind, string Person, string Service), string> tokens, Route route, string[] allowed)
    {
        if (AllowedPerson(allowed) is not { } person)
        {
            yield break;
        }

        yield return ("expired", tokens[("expired", person, "")]);
        yield return ("wrong issuer", tokens[("wrong issuer", person, "")]);
        yield return ("wrong audience", tokens[("wrong audience", person, route.Service)]);
    }

    private static string? AllowedPerson(string[] allowed) => allowed.FirstOrDefault(People.ContainsKey);

    private static async Task<Dictionary<(string Kind, string Person, string Service), string>> TokensAsync(
        IdentityProvider provider, IReadOnlyList<Route> routes)
    {
        var tokens = new Dictionary<(string, string, string), string>();
        var otherIssuer = new Uri($"http://localhost:{provider.Port}/");
        foreach (var group in routes.GroupBy(route => AllowedPerson(Allowed[route.Key])).Where(group => group.Key is not null))
        {
            var person = group.Key!;
            var (role, subject, departements) = People[person]!.Value;
            tokens[("expired", person, "")] = await provider.TokenAsync(role, subject, expiresInSeconds: -600, departements: departements);
            tokens[("wrong issuer", person, "")] = await provider.TokenAsync(role, subject, via: otherIssuer, departements: departements);
            foreach (var service in group.Select(route => route.Service).Distinct())
            {
                // Issued for one API only, and not this one.
                var other = IdentityProvider.Apis.First(api => api != $"{service}-api");
                tokens[("wrong audience", person, service)] = await provider.TokenAsync(role, subject, scope: other, departements: departements);
            }
        }

        return tokens;
    }

    /// <summary>The routes of the committed OpenAPI documents (which OpenApiDocumentTests keeps equal to the running services').</summary>
    private static async Task<IReadOnlyList<Route>> CommittedRoutesAsync()
    {
        var routes = new List<Route>();
        foreach (var file in Directory.GetFiles(Path.Combine(PlatformProcesses.RepositoryRoot, "docs", "openapi"), "*.json").Order())
        {
            var service = Path.GetFileNameWithoutExtension(file);
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
            {
                routes.AddRange(path.Value.EnumerateObject().Select(operation => new Route(
                    service, operation.Name.ToUpperInvariant(), path.Name, operation.Value.TryGetProperty("requestBody", out _))));
            }
        }

        return routes;
    }

    /// <param name="asSeeded">The seeded ids and a valid body; otherwise unknown ids and an empty body.</param>
    private static async Task<HttpResponseMessage> CallAsync(PlatformProcesses platform, Route route, Seeded seed, string? token, bool asSeeded)
    {
        var ids = new Dictionary<string, string>
        {
            ["{recipientId}"] = Own,
            ["{week}"] = seed.ThisWeek,
            ["{ruleId}"] = "weekly-hours-below-engagement",
            ["{version}"] = "1",
            ["{caseId}"] = seed.CaseId.ToString(),
            ["{proposalId}"] = seed.ProposalId.ToString(),
            ["{flagId}"] = seed.FlagId.ToString(),
            ["{decisionId}"] = seed.DecisionId.ToString(),
            ["{noticeId}"] = seed.NoticeId.ToString(),
            ["{absenceId}"] = seed.AbsenceId.ToString(),
            ["{letterId}"] = seed.LetterId.ToString(),
            ["{appealId}"] = seed.AppealId.ToString(),
        };
        var url = route.Path;
        foreach (var (name, value) in ids)
        {
            url = url.Replace(name, asSeeded || !name.EndsWith("Id}", StringComparison.Ordinal) || name == "{recipientId}" || name == "{ruleId}"
                ? value : Guid.NewGuid().ToString(), StringComparison.Ordinal);
        }

        using var http = new HttpClient { BaseAddress = platform.UrlOf(route.Service) };
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
        if (route.Method is "PUT" or "POST")
        {
            request.Content = asSeeded && Bodies.TryGetValue(route.Key, out var body)
                ? JsonContent.Create(body(seed))
                : new StringContent("{}", Encoding.UTF8, "application/json");
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    /// <summary>The <c>type</c> of an RFC 9457 problem-details answer, or null when the answer is not one.</summary>
    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return null;
        }

        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("status", out var status) && status.GetInt32() == (int)response.StatusCode
            && problem.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
    }

    /// <summary>
    /// The README's story up to a suspension in force, through the APIs and the bus: an engagement, an allocation stated
    /// by the payer, three short weeks, flags and cases, a proposal and its notice (acknowledged), an observation, the
    /// approval, the suspension applied, and the recipient's statement that they meet their obligations again.
    /// </summary>
    private static async Task<Seeded> SeedAsync(PlatformProcesses platform)
    {
        var now = DateTimeOffset.UtcNow;
        var thisWeek = WeekCalendar.WeekOf(now);
        // Months as the services reckon them, in Paris (on the last evening of a month, UTC is still in the one before).
        var thisMonth = Months.Format(Months.Of(now));
        var nextMonth = Months.Format(Months.Of(now).AddMonths(1));
        using var counsellor = platform.ClientFor("declarations", "counsellor", "agent-seed");
        using var recipient = platform.ClientFor("declarations", "recipient", Own);
        using var recipientReview = platform.ClientFor("review", "recipient", Own);
        using var counsellorReview = platform.ClientFor("review", "counsellor", "agent-seed");
        using var supervisorReview = platform.ClientFor("review", "supervisor", "agent-seed-supervisor");
        using var payer = platform.ClientFor("allocations", "payer", "caf-seed");
        using var recipientAllocations = platform.ClientFor("allocations", "recipient", Own);

        Assert.Equal(HttpStatusCode.OK, (await counsellor.PutAsJsonAsync(
            $"/api/recipients/{Own}/engagement", new { hoursPerWeek = 15, fromWeek = thisWeek.AddWeeks(-5).ToString(), departement = "75" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await payer.PutAsJsonAsync($"/api/recipients/{Own}/allocation",
            new { monthlyBaseAmount = 646.52m, householdSize = 1, loneParentIncrease = false, fromMonth = thisMonth })).StatusCode);
        for (var back = 3; back >= 1; back--)
        {
            var week = thisWeek.AddWeeks(-back);
            Assert.Equal(HttpStatusCode.Created, (await recipient.PutAsJsonAsync($"/api/recipients/{Own}/declarations/{week}", new
            {
                activities = new[] { new { category = "job-search", date = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 5m } },
            })).StatusCode);
        }

        var flagId = await Eventually.GetAsync("the repeated-shortfall flag", async () =>
        {
            var flags = await recipientReview.GetFromJsonAsync<JsonElement>($"/api/recipients/{Own}/flags");
            return StoryTests.Items(flags).Where(flag => flag.GetProperty("ruleId").GetString() == "repeated-shortfall")
                .Select(flag => (Guid?)flag.GetProperty("flagId").GetGuid()).FirstOrDefault();
        });
        var decidedCase = await Eventually.GetAsync("the repeated-shortfall case", async () =>
        {
            var queue = await counsellorReview.GetFromJsonAsync<JsonElement>("/api/review/cases?status=open&pageSize=100");
            return StoryTests.Items(queue).Where(item => item.GetProperty("flag").GetProperty("flagId").GetGuid() == flagId)
                .Select(item => (Guid?)item.GetProperty("caseId").GetGuid()).FirstOrDefault();
        });
        Assert.Equal(HttpStatusCode.OK, (await counsellorReview.PostAsync($"/api/review/cases/{decidedCase}/claim", null)).StatusCode);
        var proposed = await counsellorReview.PostAsJsonAsync($"/api/review/cases/{decidedCase}/sanction-proposals", new
        {
            percent = 30,
            months = 1,
            startMonth = nextMonth,
            reason = "Trois semaines sous l'engagement sans explication lors de l'entretien.",
            assessment = new
            {
                vulnerability = "Aucune vulnérabilité connue.",
                dependants = "Personne seule, sans enfant à charge.",
                natureAndFrequency = "Trois semaines consécutives sous l'engagement.",
                consequences = "30 % pendant un mois.",
            },
        });
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var proposal = await proposed.Content.ReadFromJsonAsync<JsonElement>();
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await recipientReview.PostAsync($"/api/recipients/{Own}/notices/{noticeId}/acknowledgement", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await recipientReview.PostAsJsonAsync(
            $"/api/recipients/{Own}/flags/{flagId}/observations", new { text = "J'étais malade deux de ces semaines.", nothingToAdd = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await supervisorReview.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "L'entretien confirme le manquement." })).StatusCode);
        await Eventually.GetAsync("the suspension applied to the allocation", async () =>
        {
            var allocation = await recipientAllocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{Own}/allocation?month={nextMonth}");
            return allocation.GetProperty("adjustments").GetArrayLength() > 0 ? (bool?)true : null;
        });

        var letters = await recipientReview.GetFromJsonAsync<JsonElement>($"/api/recipients/{Own}/decision-letters");
        var letterId = letters.GetProperty("letters")[0].GetProperty("letterId").GetGuid();

        var said = await recipientReview.PostAsJsonAsync($"/api/recipients/{Own}/obligations-met", new { text = "J'ai repris mes démarches." });
        Assert.Equal(HttpStatusCode.Created, said.StatusCode);
        var statementId = (await said.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statementId").GetGuid();
        var suspensions = await counsellorReview.GetFromJsonAsync<JsonElement>($"/api/recipients/{Own}/suspensions");
        var decisionId = suspensions.GetProperty("suspensions")[0].GetProperty("decisionId").GetGuid();

        // An appeal against that decision, awaiting its instruction, so that the opinion and the decision would act.
        var appealed = await recipientReview.PostAsJsonAsync($"/api/recipients/{Own}/appeals", new { decisionId, reasons = "Je conteste cette décision." });
        Assert.Equal(HttpStatusCode.Created, appealed.StatusCode);
        var appealId = (await appealed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appealId").GetGuid();

        // An absence awaiting its decision, in weeks nothing else touches, so that accept and refuse would act.
        var absence = await recipient.PostAsJsonAsync($"/api/recipients/{Own}/absences", new
        {
            fromWeek = thisWeek.AddWeeks(2).ToString(), toWeek = thisWeek.AddWeeks(2).ToString(), kind = "illness", details = "Opération prévue.",
        });
        Assert.Equal(HttpStatusCode.Created, absence.StatusCode);
        var absenceId = (await absence.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("absenceId").GetGuid();

        // A case still open and unclaimed (a weekly shortfall), so that claim, dismiss, resolve and propose would act.
        var queue = await counsellorReview.GetFromJsonAsync<JsonElement>("/api/review/cases?status=open&pageSize=100");
        var openCase = StoryTests.Items(queue).Select(item => item.GetProperty("caseId").GetGuid()).FirstOrDefault(id => id != decidedCase);
        // Review and allocations have placed the recipient in Paris: its agents read the file (unplaced, only national ones could).
        using var parisReview = platform.ClientFor("review", "counsellor", "agent-c", "75");
        using var parisAllocations = platform.ClientFor("allocations", "counsellor", "agent-c", "75");
        await Eventually.GetAsync("the recipient placed in Paris by review and allocations", async () =>
            (await parisReview.GetAsync($"/api/recipients/{Own}/suspensions")).IsSuccessStatusCode
            && (await parisAllocations.GetAsync($"/api/recipients/{Own}/allocation")).IsSuccessStatusCode ? (bool?)true : null);

        return new Seeded(
            thisWeek.ToString(),
            thisWeek.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            thisWeek.AddWeeks(-5).ToString(),
            thisMonth,
            nextMonth,
            now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            openCase == Guid.Empty ? decidedCase : openCase,
            proposalId,
            flagId,
            decisionId,
            noticeId,
            statementId,
            absenceId,
            thisWeek.AddWeeks(4).ToString(),
            letterId,
            appealId);
    }

    /// <summary>A snapshot once every outbox is drained and two snapshots in a row agree (the consumers are done).</summary>
    private static async Task<string> SettledSnapshotAsync(PlatformProcesses platform, IReadOnlyList<string> services)
    {
        var previous = "";
        for (var attempt = 0; attempt < 120; attempt++)
        {
            foreach (var service in services)
            {
                await using var connection = new NpgsqlConnection(platform.ConnectionStringOf(service));
                await Eventually.GetAsync($"the {service} outbox drained", async () =>
                    await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0 ? (bool?)true : null);
            }

            var snapshot = await SnapshotAsync(platform, services);
            if (snapshot == previous)
            {
                return snapshot;
            }

            previous = snapshot;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        throw new TimeoutException("The databases never settled.");
    }

    /// <summary>Every row of every table of every service's database, as JSON, in a stable order.</summary>
    private static async Task<string> SnapshotAsync(PlatformProcesses platform, IEnumerable<string> services)
    {
        var rows = new StringBuilder();
        foreach (var service in services)
        {
            await using var connection = new NpgsqlConnection(platform.ConnectionStringOf(service));
            var tables = await connection.QueryAsync<string>(
                "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
            foreach (var table in tables)
            {
                foreach (var row in await connection.QueryAsync<string>($"SELECT to_jsonb(t)::text FROM {table} t ORDER BY 1"))
                {
                    rows.Append(service).Append('.').Append(table).Append(": ").AppendLine(row);
                }
            }
        }

        return rows.ToString();
    }

    private sealed record Route(string Service, string Method, string Path, bool HasBody)
    {
        public string Key => $"{Service} {Method} {Path}";
    }

    private sealed record Seeded(
        string ThisWeek,
        string ThisWeekMonday,
        string FirstWeek,
        string ThisMonth,
        string NextMonth,
        string Today,
        Guid CaseId,
        Guid ProposalId,
        Guid FlagId,
        Guid DecisionId,
        Guid NoticeId,
        Guid StatementId,
        Guid AbsenceId,
        string FreeWeek,
        Guid LetterId,
        Guid AppealId);
}
