using MassTransit;
using Platform.Audit.Capture;
using Platform.Audit.Checkpoints;
using Platform.Audit.Log;
using Platform.Audit.Messaging;
using Platform.Audit.Queries;
using Platform.Audit.Verification;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformDefaults("audit");
builder.DescribeApi(
    "Audit",
    "The append-only, hash-chained log of every event, for auditors: read it, verify it, replay a recipient's case at an instant.",
    "http://127.0.0.1:5105");
builder.Services.AddPlatformBus(bus =>
{
    bus.AddConsumer<AuditLogConsumer, AuditLogConsumerDefinition>();
    bus.AddConsumer<ProducerHeadConsumer>();
});
builder.Services.AddSingleton<LogAppender>();
builder.Services.AddSingleton<DeliveryOrderAppender>();
builder.Services.AddSingleton(services => new DecisionKeys(
    services.GetRequiredService<IConfiguration>().GetSection("DecisionKeys").GetChildren().Select(key => KeyValuePair.Create(key.Key, key.Value))));
builder.Services.AddSingleton<FlagReproduction>(FlagReplay.Reproduce);
builder.Services.AddSingleton(services => new PublisherPolicy(
    services.GetRequiredService<IConfiguration>().GetSection("Audit:Publishers").GetChildren().Select(user => KeyValuePair.Create(user.Key, user.Value))));
builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section);
builder.Services.AddOptions<CheckpointOptions>().BindConfiguration(CheckpointOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<VerificationSources>();
builder.Services.AddSingleton<CheckpointKey>();
builder.Services.AddSingleton<CheckpointSigner>();
builder.Services.AddHostedService(services => services.GetRequiredService<CheckpointSigner>());
builder.Services.AddOptions<VerificationOptions>().BindConfiguration(VerificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<VerificationRunner>();
builder.Services.AddHostedService(services => services.GetRequiredService<VerificationRunner>());

var app = builder.Build();
app.MapPlatformDefaults();
app.MapAuditEndpoints();
app.MapConsultationEndpoints();
app.Run();
