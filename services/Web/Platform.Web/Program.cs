using Platform.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddWebFront();

var app = builder.Build();
app.UseWebFront();
app.Run();
