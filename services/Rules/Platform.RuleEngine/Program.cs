using Platform.RuleEngine.Transparency;
using Platform.RuleEngine.Deadlines;
using Platform.RuleEngine.Messaging;
using Platform.RuleEngine.Simulations;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformDefaults("rules");
builder.DescribeApi(
    "Rules",
    "The rule catalogue as published law-as-code, how humans judged each rule's flags, and simulations of candidate parameters. Flags themselves are raised from events, not through this API.",
    "http://127.0.0.1:5102");
builder.Services.AddPlatformBus(bus =>
{
    bus.AddPartitionedConsumer<EngagementSetConsumer>();
    // The recipients' départements, so each flag records its own (rule statistics per département).
    bus.AddPartitionedConsumer<RecipientPlacementConsumer>();
    bus.AddPartitionedConsumer<DeclarationSubmittedConsumer>();
    bus.AddPartitionedConsumer<AbsenceDecidedConsumer>();
    bus.AddPartitionedConsumer<FlagDismissedConsumer>();
    bus.AddPartitionedConsumer<FlagResolvedConsumer>();
    bus.AddPartitionedConsumer<FlagExpiredConsumer>();
    bus.AddPartitionedConsumer<SanctionDecidedConsumer>();
});
builder.Services.AddSingleton<OutcomeRecorder>();
builder.Services.AddOptions<DeadlineOptions>().BindConfiguration(DeadlineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddHostedService<DeadlineJob>();
builder.Services.AddOptions<RuleStatisticsOptions>().BindConfiguration(RuleStatisticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<RuleStatistics>();

var app = builder.Build();
app.MapPlatformDefaults();
app.MapRuleEndpoints();
app.MapSimulationEndpoints();
app.Run();
