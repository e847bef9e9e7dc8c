using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review;
using Platform.RuleEngine;

namespace Platform.IntegrationTests.DueProcess;

/// <summary>
/// The declarations, rules and review services on one virtual host (each with its own database), sharing one clock,
/// with a probe on every event: what a recipient declares and a counsellor decides over HTTP reaches the rules and the
/// review through the real broker.
/// </summary>
public sealed class DueProcessFixture : IAsyncLifetime
{
    public const string Counsellor = "agent-c1";

    /// <summary>A supervisor with a delegation in force: they may decide.</summary>
    public const string Supervisor = "agent-s1";

    /// <summary>Thursday of week 2026-W48, 10:00 in Paris: weeks 2026-W44 to W47 are past, declared late.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private readonly ECDsa reviewKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public PlatformServers Servers { get; private set; } = null!;

    public string DeclarationsDatabase { get; private set; } = null!;

    public string RulesDatabase { get; private set; } = null!;

    public string ReviewDatabase { get; private set; } = null!;

    public string VirtualHost { get; private set; } = null!;

    public ServiceHost<DeclarationsService> Declarations { get; private set; } = null!;

    public ServiceHost<RulesService> Rules { get; private set; } = null!;

    public ServiceHost<ReviewService> Review { get; private set; } = null!;

    public EventProbe Events { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(Now);

    public async Task InitializeAsync()
    {
        Servers = await PlatformServers.GetAsync();
        DeclarationsDatabase = await Servers.CreateDatabaseAsync("declarations");
        RulesDatabase = await Servers.CreateDatabaseAsync("rules");
        ReviewDatabase = await Servers.CreateDatabaseAsync("review");
        VirtualHost = await Servers.CreateVirtualHostAsync("dueprocess");
        Events = await EventProbe.StartAsync(Servers.Amqp, VirtualHost);
        Declarations = new ServiceHost<DeclarationsService>(DeclarationsDatabase, Servers.Amqp, VirtualHost, Clock);
        Rules = new ServiceHost<RulesService>(RulesDatabase, Servers.Amqp, VirtualHost, Clock, new Dictionary<string, string?>
        {
            ["Deadlines:PollInterval"] = "00:00:01",
        });
        const string keyId = "review-test-1";
        Review = new ServiceHost<ReviewService>(ReviewDatabase, Servers.Amqp, VirtualHost, Clock, new Dictionary<string, string?>
        {
            ["Signing:ActiveKeyId"] = keyId,
            [$"Signing:Keys:{keyId}"] = reviewKey.ExportPkcs8PrivateKeyPem(),
            ["Review:ObservationWindow"] = "15.00:00:00",
            ["Review:CaseExpiry"] = "60.00:00:00",
            ["Review:ExpirySweepInterval"] = "01:00:00",
            ["Notices:SmtpHost"] = Smtp.Host,
            ["Notices:SmtpPort"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notices:PublicBaseUrl"] = "http://review.test",
            ["Notices:MailPollInterval"] = "00:00:01",
        }.Concat(TestDelegations.ForHost(Supervisor)).ToDictionary());
        _ = Declarations.Server;
        _ = Rules.Server;
        _ = Review.Server;
    }

    public static string NewRecipient() => $"r-{Guid.NewGuid():N}"[..20];

    public HttpClient CounsellorDeclarations() => Declarations.ClientFor("counsellor", Counsellor);

    public HttpClient RecipientDeclarations(string recipient) => Declarations.ClientFor("recipient", recipient);

    /// <summary>
    /// A 15-hour engagement from 2026-W40, then 5 hours declared in each of <paramref name="weeks"/>; waits until the
    /// review service holds a case for every flag the rules raised on them.
    /// </summary>
    public async Task ShortWeeksAsync(string recipient, params string[] weeks)
    {
        Assert.Equal(HttpStatusCode.OK, (await CounsellorDeclarations().PutAsJsonAsync(
            $"/api/recipients/{recipient}/engagement", new { hoursPerWeek = 15, fromWeek = "2026-W40" })).StatusCode);
        await WaitUntilAsync(RulesDatabase, "SELECT count(*) FROM engagements WHERE recipient_id = @recipient", new { recipient });
        foreach (var week in weeks)
        {
            var monday = Platform.Rules.Calendar.IsoWeek.Parse(week).Monday;
            var declared = await RecipientDeclarations(recipient).PutAsJsonAsync(
                $"/api/recipients/{recipient}/declarations/{week}",
                new { activities = new[] { new { category = "job-search", date = monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 5m } } });
            Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
            await WaitUntilAsync(RulesDatabase, "SELECT count(*) FROM declarations WHERE recipient_id = @recipient AND week = @week", new { recipient, week });
        }

        var flags = await ScalarAsync<long>(RulesDatabase, "SELECT count(*) FROM flags WHERE recipient_id = @recipient", new { recipient });
        await WaitUntilAsync(ReviewDatabase, "SELECT count(*) FROM cases WHERE recipient_id = @recipient", new { recipient }, flags);
    }

    /// <summary>The recipient declares an absence; returns its id.</summary>
    public async Task<Guid> DeclareAbsenceAsync(string recipient, string fromWeek, string toWeek)
    {
        var response = await RecipientDeclarations(recipient).PostAsJsonAsync(
            $"/api/recipients/{recipient}/absences",
            new { fromWeek, toWeek, kind = "illness", details = "Grippe, arrêt de travail.", documentReference = "arret-maladie.pdf" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("absenceId").GetGuid();
    }

    public static async Task WaitUntilAsync(string connectionString, string countSql, object parameters, long atLeast = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync<long>(connectionString, countSql, parameters) < atLeast)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still false after 30 s: {countSql}");
            }

            await Task.Delay(100);
        }
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<T>(connection, sql, parameters) ?? throw new InvalidOperationException(sql);
    }

    public async Task DisposeAsync()
    {
        await (Review?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Rules?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Declarations?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Events?.DisposeAsync() ?? ValueTask.CompletedTask);
        if (VirtualHost is not null)
        {
            await Servers.DeleteVirtualHostAsync(VirtualHost);
        }

        reviewKey.Dispose();
    }
}
