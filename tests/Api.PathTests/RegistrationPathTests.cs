using System.Diagnostics;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Assemble.Api.PathTests;

/// <summary>
/// The files a free registration runs, measured rather than counted by hand: a fresh process registers a member and
/// lists the source files whose code ran for it (<see cref="SourceFileTrace"/>). It is the first registration that
/// process serves, so one-time work (building singletons, the seat statements' SQL) shows too; later ones run a
/// subset of these files. A change that adds a file to the path, or takes one off, must say so here.
/// </summary>
public sealed class RegistrationPathTests(EventsFactory api, ITestOutputHelper output) : IClassFixture<EventsFactory>
{
    /// <summary>The registration's own files, in the order they first run (docs/decisions/0010).</summary>
    private static readonly string[] Path =
    [
        "src/Api/Features/Registrations/RegisterForEvent.cs",
        "src/Api/Features/Registrations/RegistrationsEndpoints.cs",
        "src/Domain/Events/ISeatAllocator.cs",
        "src/Infrastructure/Persistence/Seats/SeatAllocator.cs",
        "src/Infrastructure/Persistence/Seats/SeatMemory.cs",
        "src/Infrastructure/Persistence/Seats/SeatStatements.cs",
        "src/Infrastructure/Persistence/Seats/SeatCounters.cs",
        "src/Domain/Events/Event.cs",
        "src/Domain/Events/Registration.cs",
        "src/Domain/Events/RegistrationEvents.cs",
        "src/Infrastructure/Persistence/Notifications/NotificationRecord.cs",
        "src/Infrastructure/Persistence/Seats/GroupCommitQueue.cs",
        "src/Api/Features/Registrations/RegistrationView.cs",
    ];

    /// <summary>Rules and shapes of other areas that the path reads.</summary>
    private static readonly string[] Rules =
    [
        "src/Domain/Memberships/MembershipPayment.cs",  // the day in Japan a membership is judged on
        "src/Domain/Events/SeatRoom.cs",                // is there room
        "src/Domain/Events/TicketType.cs",              // the price a member pays
        "src/Domain/Events/ReminderRule.cs",            // part of the event as loaded
        "src/Api/Features/Events/EventAccess.cs",       // a draft is seen by its organizers alone
        "src/Api/Features/Events/EventViews.cs",        // a time in the event's zone
    ];

    /// <summary>Building blocks every feature shares, and one-time work of a process's first registration.</summary>
    private static readonly string[] Shared =
    [
        "src/Api/Common/JsonBodyGuard.cs",
        "src/Api/Common/Idempotency.cs",
        "src/Api/Common/Json/BoundedInstantConverter.cs",
        "src/Api/Hosting/AssembleMetrics.cs",
        "src/Api/Hosting/OperationalReadings.cs",
        "src/Domain/Common/Error.cs",
        "src/Domain/Common/Result.cs",
        "src/Domain/Common/DomainEvent.cs",
        "src/Infrastructure/DependencyInjection.cs",
        "src/Infrastructure/Persistence/AppDbContext.cs",
        "src/Infrastructure/Persistence/CommitClock.cs",
        "src/Infrastructure/Persistence/JsonColumn.cs",
        "src/Infrastructure/Persistence/KeptLoads.cs",
        "src/Infrastructure/Persistence/RuleSql.cs",
        "src/Infrastructure/Persistence/TableRows.cs",
        "src/Infrastructure/Email/OutboxSignal.cs",
    ];

    [Fact]
    public async Task A_free_registration_runs_these_files_and_no_others()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var member = await api.MemberAsync();

        var lines = await TraceAsync(api.ConnectionString, member.Client.DefaultRequestHeaders.Authorization!.Parameter!, e.Id, e.TicketTypeId);
        Assert.Equal("201", lines[0]);
        var ran = lines.Skip(1).ToList();
        foreach (var file in ran) output.WriteLine($"{(Path.Contains(file) ? "path  " : Rules.Contains(file) ? "rule  " : Shared.Contains(file) ? "shared" : "NEW   ")} {file}");
        Assert.True(ran.Order().SequenceEqual(Path.Concat(Rules).Concat(Shared).Order()),
            "The files a free registration runs changed. Measured, in order:\n" + string.Join("\n", ran));
    }

    private static async Task<List<string>> TraceAsync(string connectionString, string token, Guid eventId, Guid ticketTypeId)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { typeof(Program).Assembly.Location, "trace", connectionString, token, eventId.ToString(), ticketTypeId.ToString() })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, await stderr);
        return (await stdout).Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("path: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
    }
}
