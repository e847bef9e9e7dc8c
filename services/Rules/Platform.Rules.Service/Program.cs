using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformDefaults("rules");
builder.Services.AddPlatformBus();

var app = builder.Build();
app.MapPlatformDefaults();
app.Run();
