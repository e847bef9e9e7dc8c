using Platform.Review;
using Platform.Review.Absences;
using Platform.Review.Appeals;
using Platform.Review.Cases;
using Platform.Review.Expiry;
using Platform.Review.Hearings;
using Platform.Review.Letters;
using Platform.Review.Messaging;
using Platform.Review.Notices;
using Platform.Review.Recipients;
using Platform.Review.Sanctions;
using Platform.Review.Suspensions;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformDefaults("review");
builder.DescribeApi(
    "Review",
    "Counsellors review every flag; a sanction is proposed by one person, told to the recipient, answered or left unanswered for the legal window, approved by a second person and signed. Recipients read their flags, the explanation the law requires, and answer.",
    "http://127.0.0.1:5103");
builder.Services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section)
    .Validate(ReviewOptions.IsValid, "Review:ObservationWindow must be at least 10 days (CASF L262-37), Review:CaseExpiry longer than it, Review:ExpirySweepInterval positive.")
    .ValidateOnStart();
builder.Services.AddOptions<SigningOptions>().BindConfiguration(SigningOptions.Section)
    .Validate(options => SigningOptions.Problem(options) is null, "Signing: ActiveKeyId must name a PEM ECDSA P-256 private key under Signing:Keys.")
    .ValidateOnStart();
builder.Services.AddOptions<NoticeOptions>().BindConfiguration(NoticeOptions.Section)
    .Validate(NoticeOptions.IsValid, "Notices: SmtpPort must be a port, PublicBaseUrl an absolute URL, From set, MailPollInterval and MaxRetryDelay positive.")
    .ValidateOnStart();
builder.Services.AddOptions<LetterOptions>().BindConfiguration(LetterOptions.Section)
    .Validate(LetterOptions.IsValid, "Letters: Departement must be a département code, DepartementName set, RuleCatalogueUrl an absolute URL, each seeded delegation complete.")
    .ValidateOnStart();
builder.Services.AddHostedService<DelegationSeeder>();
builder.Services.AddHostedService<LetterMailer>();
builder.Services.AddHostedService<AppealLetterMailer>();
builder.Services.AddSingleton<NoticeMailSignal>();
builder.Services.AddHostedService<NoticeMailer>();
builder.Services.AddSingleton<DecisionSigner>();
builder.Services.AddHostedService<CaseExpiryJob>();
builder.Services.AddHostedService<AppealDeadlineJob>();
builder.Services.AddPlatformBus(bus =>
{
    bus.AddPartitionedConsumer<FlagRaisedConsumer>();
    bus.AddPartitionedConsumer<FlagWithdrawnConsumer>();
    bus.AddPartitionedConsumer<AllocationSetConsumer>();
    bus.AddPartitionedConsumer<AbsenceDecidedConsumer>();
    bus.AddPartitionedConsumer<RecipientPlacementConsumer>();
});
// The routes that name a recipient's data by its own id: an agent of another département gets 404.
builder.Services.AddRecipientRoute(RecipientRoute.ByUuid("caseId", "cases", "case_id"));
builder.Services.AddRecipientRoute(RecipientRoute.ByUuid("proposalId", "proposals", "proposal_id"));
builder.Services.AddRecipientRoute(RecipientRoute.ByUuid("noticeId", "notices", "notice_id"));
builder.Services.AddRecipientRoute(RecipientRoute.ByUuid("decisionId", "proposals", "decision_id"));
builder.Services.AddRecipientRoute(RecipientRoute.ByUuid("appealId", "appeals", "appeal_id"));

var app = builder.Build();
app.MapPlatformDefaults();
app.MapCaseEndpoints();
app.MapProposalEndpoints();
app.MapRecipientFlagEndpoints();
app.MapSuspensionEndpoints();
app.MapNoticeEndpoints();
app.MapHearingEndpoints();
app.MapContactEndpoints();
app.MapLetterEndpoints();
app.MapDelegationEndpoints();
app.MapAppealEndpoints();
app.Run();
