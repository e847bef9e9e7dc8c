using Platform.Declarations.Absences;
using Platform.Declarations.Departements;
using Platform.Declarations.Weeks;
using Platform.Declarations.Engagements;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatformDefaults("declarations");
builder.DescribeApi(
    "Declarations",
    "Recipients declare their activities week by week, each change a new version; counsellors set the weekly hours each recipient's engagement requires and decide the justified absences recipients declare.",
    "http://127.0.0.1:5101");
builder.Services.AddPlatformBus();

var app = builder.Build();
app.MapPlatformDefaults();
app.MapEngagementEndpoints();
app.MapTransferEndpoints();
app.MapDeclarationEndpoints();
app.MapAbsenceEndpoints();
app.Run();
