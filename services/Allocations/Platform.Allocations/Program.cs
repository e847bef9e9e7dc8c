using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformDefaults("allocations");
builder.Services.AddPlatformBus();

var app = builder.Build();
app.MapPlatformDefaults();
app.Run();
