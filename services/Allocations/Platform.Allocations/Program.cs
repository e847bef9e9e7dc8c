using Platform.Allocations.Allocation;
using Platform.Allocations.Decisions;
using Platform.Allocations.Messaging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformDefaults("allocations");
builder.DescribeApi(
    "Allocations",
    "Each household's monthly allocation and the adjustments that signed sanction decisions of the review service made to it.",
    "http://127.0.0.1:5104");
builder.Services.AddOptions<DecisionKeysOptions>()
    .Configure<IConfiguration>((options, configuration) =>
    {
        foreach (var key in configuration.GetSection(DecisionKeysOptions.Section).GetChildren().Where(key => !string.IsNullOrWhiteSpace(key.Value)))
        {
            options.Keys[key.Key] = key.Value!;
        }
    })
    .Validate(options => DecisionKeysOptions.Problem(options) is null, "DecisionKeys:<id> must hold at least one PEM ECDSA P-256 public key of the review service.")
    .ValidateOnStart();
builder.Services.AddOptions<ReviewPublisherOptions>().BindConfiguration(ReviewPublisherOptions.Section)
    .Validate(options => !string.IsNullOrWhiteSpace(options.UserId), "ReviewPublisher:UserId must name the review service's broker user.")
    .ValidateOnStart();
builder.Services.AddSingleton<DecisionVerifier>();
builder.Services.AddPlatformBus(bus =>
{
    bus.AddPartitionedConsumer<SanctionDecidedConsumer>();
    // EngagementSet is consumed only for the recipient's département (who may read the allocation): an engagement
    // re-entered never moves money; only a signed SuspensionEnded does.
    bus.AddPartitionedConsumer<RecipientPlacementConsumer>();
    bus.AddPartitionedConsumer<SuspensionEndedConsumer>();
    bus.AddPartitionedConsumer<AppealDecidedConsumer>();
});

var app = builder.Build();
app.MapPlatformDefaults();
app.MapAllocationEndpoints();
app.Run();
