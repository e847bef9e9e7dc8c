using Platform.Identity.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddIdentityProvider();

var app = builder.Build();
await app.UseIdentityProviderAsync();
await app.RunAsync();
