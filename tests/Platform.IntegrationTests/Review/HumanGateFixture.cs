using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Allocations;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review;
using Platform.Review.Sanctions;
using Platform.Rules.Calendar;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// The review and allocations services on one virtual host (each with its own database), sharing one controllable
/// clock, with a probe on every event. The review service signs with a key generated for this fixture; the
/// allocations service trusts only its public half.
/// </summary>
public sealed class HumanGateFixture : IAsyncLifetime
{
    public const string KeyId = "review-test-1";
    public const string Counsellor = "agent-c1";
    public const string Supervisor = "agent-s1";

    /// <summary>Another supervisor with a delegation in force.</summary>
    public const string SecondSupervisor = "agent-s2";

    /// <summary>Thursday 2026-11-26, 10:00 in Paris.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private readonly ECDsa reviewKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public PlatformServers Servers { get; private set; } = null!;

    public string ReviewDatabase { get; private set; } = null!;

    public string AllocationsDatabase { get; private set; } = null!;

    public string VirtualHost { get; private set; } = null!;

    public ServiceHost<ReviewService> Review { get; private set; } = null!;

    public ServiceHost<AllocationsService> Allocations { get; private set; } = null!;

    public EventProbe Events { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>
    /// Signs exactly as the review service does (same key, same key id): what a test needs to publish a genuine decision,
    /// a sanction or the ending of a suspension.
    /// </summary>
    public DecisionSigner GenuineSigner { get; private set; } = null!;

    public ECDsa PublicKey { get; } = ECDsa.Create();

    public async Task InitializeAsync()
    {
        Servers = await PlatformServers.GetAsync();
        ReviewDatabase = await Servers.CreateDatabaseAsync("review");
        AllocationsDatabase = await Servers.CreateDatabaseAsync("allocations");
        VirtualHost = await Servers.CreateVirtualHostAsync("review");
        Events = await EventProbe.StartAsync(Servers.Amqp, VirtualHost);
        var privatePem = reviewKey.ExportPkcs8PrivateKeyPem();
        PublicKey.ImportFromPem(reviewKey.ExportSubjectPublicKeyInfoPem());
        GenuineSigner = new DecisionSigner(Options.Create(new SigningOptions { ActiveKeyId = KeyId, Keys = { [KeyId] = privatePem } }));
        Review = new ServiceHost<ReviewService>(ReviewDatabase, Servers.Amqp, VirtualHost, Clock, new Dictionary<string, string?>
        {
            ["Signing:ActiveKeyId"] = KeyId,
            [$"Signing:Keys:{KeyId}"] = privatePem,
            ["Review:ObservationWindow"] = "15.00:00:00",
            ["Review:CaseExpiry"] = "60.00:00:00",
            ["Review:ExpirySweepInterval"] = "01:00:00",
            // The notices' e-mails go to the real SMTP server the tests read (smtp4dev, started by servers.sh).
            ["Notices:SmtpHost"] = Smtp.Host,
            ["Notices:SmtpPort"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notices:PublicBaseUrl"] = "http://review.test",
            ["Notices:MailPollInterval"] = "00:00:01",
        }.Concat(TestDelegations.ForHost(Supervisor, SecondSupervisor, Counsellor)).ToDictionary());
        Allocations = new ServiceHost<AllocationsService>(AllocationsDatabase, Servers.Amqp, VirtualHost, Clock, new Dictionary<string, string?>
        {
            [$"DecisionKeys:{KeyId}"] = reviewKey.ExportSubjectPublicKeyInfoPem(),
            // The review service and the probe both publish as the servers' user here.
            ["ReviewPublisher:UserId"] = Events.User,
        });
        _ = Review.Server;
        _ = Allocations.Server;
    }

    public HttpClient CounsellorClient(string subject = Counsellor) => Review.ClientFor("counsellor", subject);

    public HttpClient SupervisorClient(string subject = Supervisor) => Review.ClientFor("supervisor", subject);

    public const string Payer = "caf-75";

    /// <summary>A proportionality assessment (CASF R262-68-5) with every item answered, as a proposal body carries it.</summary>
    public static readonly object Assessment = new
    {
        vulnerability = "Aucune vulnérabilité connue ; la santé a été évoquée en entretien, sans suite.",
        dependants = "Personne seule, sans enfant à charge.",
        natureAndFrequency = "Trois semaines sur quatre sous l'engagement.",
        consequences = "Le loyer reste couvert par l'aide au logement.",
    };

    /// <summary>The payer states the recipient's allocation; waits until the review service has learnt the household.</summary>
    public async Task SetAllocationAsync(string recipient, decimal monthly = 646.52m, int householdSize = 1, bool loneParent = false)
    {
        var response = await Allocations.ClientFor("payer", Payer).PutAsJsonAsync(
            $"/api/recipients/{recipient}/allocation",
            new { monthlyBaseAmount = monthly, householdSize, loneParentIncrease = loneParent, fromMonth = "2026-01" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitUntilAsync(ReviewDatabase, "SELECT count(*) FROM households WHERE recipient_id = @recipient AND household_size = @householdSize",
            new { recipient, householdSize });
    }

    /// <summary>Publishes a FlagRaised as the rules service would and waits for its case; returns (flag id, case id).</summary>
    /// <param name="week">The flag's week: its breach is that week and the three before.</param>
    public async Task<(Guid FlagId, Guid CaseId)> RaiseFlagAsync(string recipient, bool sanctionEligible = true, string week = "2026-W47")
    {
        var flagId = Guid.NewGuid();
        var flag = new FlagRaised(
            flagId,
            recipient,
            week,
            "repeated-shortfall",
            1,
            JsonDocument.Parse("""{"weeks":["2026-W44","2026-W45","2026-W47"],"declaredHours":[4,6,3],"engagementHours":15}""").RootElement,
            new Dictionary<string, decimal> { ["shortfallWeeks"] = 3, ["windowWeeks"] = 4 },
            new Explanation("Heures déclarées inférieures à l'engagement 3 semaines sur 4.", "Declared hours below the engagement in 3 of 4 weeks."),
            sanctionEligible) { EventId = Guid.NewGuid(), Producer = "rules", OccurredAt = Clock.GetUtcNow() };
        await Events.PublishRawAsync(flag, Guid.NewGuid());
        await WaitUntilAsync(ReviewDatabase, "SELECT count(*) FROM cases WHERE flag_id = @flagId", new { flagId });
        return (flagId, await ScalarAsync<Guid>(ReviewDatabase, "SELECT case_id FROM cases WHERE flag_id = @flagId", new { flagId }));
    }

    /// <summary>
    /// Raises a flag, claims it as the counsellor and proposes; the recipient acknowledges the notice at once (the window
    /// runs from that receipt) unless <paramref name="acknowledge"/> is false. Returns the proposal as answered.
    /// </summary>
    public async Task<(Guid FlagId, Guid CaseId, JsonElement Proposal)> ProposeAsync(
        string recipient, int percent = 50, int months = 2, string? startMonth = null, string week = "2026-W47", bool acknowledge = true)
    {
        startMonth ??= MonthFromNow(1);
        var (flagId, caseId) = await RaiseFlagAsync(recipient, week: week);
        var counsellor = CounsellorClient();
        Assert.Equal(HttpStatusCode.OK, (await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        var proposed = await counsellor.PostAsJsonAsync(
            $"/api/review/cases/{caseId}/sanction-proposals",
            new { percent, months, startMonth, reason = "Trois semaines sur quatre sans les heures prévues, sans explication.", assessment = Assessment });
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var proposal = await proposed.Content.ReadFromJsonAsync<JsonElement>();
        if (acknowledge)
        {
            await AcknowledgeAsync(recipient, proposal.GetProperty("notificationId").GetGuid());
        }

        return (flagId, caseId, proposal);
    }

    /// <summary>The recipient acknowledges the notice in the application; returns the notice as answered.</summary>
    public async Task<JsonElement> AcknowledgeAsync(string recipient, Guid noticeId)
    {
        var acknowledged = await Review.ClientFor("recipient", recipient).PostAsync($"/api/recipients/{recipient}/notices/{noticeId}/acknowledgement", null);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        return await acknowledged.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The month <paramref name="offset"/> months from the clock's, in Paris, as <c>2027-01</c>.</summary>
    public string MonthFromNow(int offset)
    {
        var today = WeekCalendar.TodayIn(Clock.GetUtcNow());
        return new DateOnly(today.Year, today.Month, 1).AddMonths(offset).ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    /// <summary>The ISO week the clock is in, in Paris, as <c>2026-W48</c>.</summary>
    public string CurrentWeek() => WeekCalendar.WeekOf(Clock.GetUtcNow()).ToString();

    /// <summary>Moves the clock to the 15th of next month, 10:00 in Paris.</summary>
    public void AdvanceToMidNextMonth()
    {
        var today = WeekCalendar.TodayIn(Clock.GetUtcNow());
        var target = new DateTime(today.Year, today.Month, 15, 10, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
        var instant = new DateTimeOffset(target, WeekCalendar.Paris.GetUtcOffset(target));
        Clock.Advance(instant - Clock.GetUtcNow());
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

    public static async Task<IReadOnlyList<T>> QueryAsync<T>(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException("no value");
    }

    public bool Verifies(SanctionDecided decision) =>
        PublicKey.VerifyData(
            SanctionDecisionSignature.Payload(decision),
            Convert.FromBase64String(decision.Signature),
            HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static string NewRecipient() => "r-" + Guid.NewGuid().ToString("N")[..12];

    public async Task DisposeAsync()
    {
        await (Review?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Allocations?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Events?.DisposeAsync() ?? ValueTask.CompletedTask);
        if (VirtualHost is not null)
        {
            await Servers.DeleteVirtualHostAsync(VirtualHost);
        }

        GenuineSigner?.Dispose();
        reviewKey?.Dispose();
        PublicKey?.Dispose();
    }
}
