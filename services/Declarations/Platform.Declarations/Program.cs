using Platform.Declarations.Declarations;
using Platform.Declarations.Engagements;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformDefaults("declarations");
builder.Services.AddPlatformBus();

var app = builder.Build();
app.MapPlatformDefaults();
app.MapEngagementEndpoints();
app.MapDeclarationEndpoints();
app.Run();
