using Assemble.Api.Auth;
using Assemble.Api.Common;
using Assemble.Api.Features.Admin;
using Assemble.Api.Features.Credentials;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Members;
using Assemble.Api.Features.Memberships;
using Assemble.Api.Features.Payments;
using Assemble.Api.Features.Privacy;
using Assemble.Api.Features.Receipts;
using Assemble.Api.Features.Referrals;
using Assemble.Api.Features.Registrations;
using Assemble.Api.Hosting;
using Assemble.Infrastructure;

var builder = WebApplication.CreateBuilder(args.Where(a => !StartupTasks.Commands.Contains(a)).ToArray());
if (!builder.Environment.IsDevelopment()) builder.Logging.ClearProviders().AddJsonConsole();

builder.Services
    .AddInfrastructure(builder.Configuration)
    .AddApiConventions()
    .AddAssembleIdentity(builder.Configuration)
    .AddAuthRateLimits(builder.Configuration)
    .AddProxies(builder.Configuration)
    .AddAssembleHealthChecks(builder.Configuration)
    .AddAssembleTelemetry(builder.Configuration)
    .AddAssembleOpenApi()
    .AddMembers()
    .AddCredentials()
    .AddAdmin()
    .AddEvents(builder.Configuration)
    .AddRegistrations(builder.Configuration)
    .AddPayments(builder.Configuration, builder.Environment)
    .AddPrivacy(builder.Configuration)
    .AddMembershipDues(builder.Configuration)
    .AddReceipts(builder.Configuration)
    .AddOutbox(builder.Configuration)
    .AddScheduledJobs(builder.Configuration)
    .AddScoped<SearchDirectory.Handler>()
    .AddSingleton<DirectoryIndex>();

var app = builder.Build();

#if BENCHMARK
Assemble.Api.Bench.PhaseTimings.UsePhaseTimings(app);
#endif
// First: every later step (HSTS, cookies, rate limits) sees the client as the configured proxies saw it.
app.UseForwardedHeaders();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment()) app.UseHsts();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseQueryStringGuard();
app.UseJsonBodyGuard();
app.UseAccountKeyForRateLimits();
app.UseRateLimiter();
app.UseAuthentication();
app.UseEndedSessions();
app.UseAuthorization();

app.MapOpenApi();
app.UseSwaggerUI(o =>
{
    o.RoutePrefix = "docs";
    o.SwaggerEndpoint("/openapi/v1.json", "Assemble API v1");
});

// The whole route table.
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapAuthEndpoints();
app.MapMembersEndpoints();
app.MapCredentialsEndpoints();
app.MapAdminEndpoints();
app.MapEventsEndpoints();
app.MapRegistrationsEndpoints();
app.MapPaymentsEndpoints(app.Environment);
app.MapOutboxEndpoints();
app.MapReminderEndpoints();
app.MapMessageEndpoints();
app.MapUnsubscribeEndpoints();
app.MapPracticeProfileEndpoints();
app.MapDirectoryEndpoints();
app.MapReferralRequestEndpoints();
app.MapIntroductionEndpoints();
app.MapMatchmakingEndpoints();
app.MapPrivacyEndpoints();
app.MapMembershipPlans();
app.MapMembershipDues();
app.MapMembershipRoll();
app.MapReceipts();
app.MapReceiptArchive();
app.MapReceiptLinks();
app.MapJobsDashboard();
#if BENCHMARK
Assemble.Api.Bench.BenchEndpoints.MapBenchEndpoints(app);
#endif

// After the route table: the openapi command describes it.
if (await StartupTasks.RunCommandAsync(app, args) is { } exitCode) return exitCode;
// A request naming another Host is refused (400) before any endpoint runs; in Production the hosts must be named.
if (app.Environment.IsProduction() && app.Configuration["AllowedHosts"] is null or "" or "*")
    throw new InvalidOperationException("Set AllowedHosts (AllowedHosts=assemble.example.org) to the host names people reach the API at; '*' is refused in Production.");

await StartupTasks.PrepareAsync(app);
await app.RunAsync();
return 0;

public partial class Program;
