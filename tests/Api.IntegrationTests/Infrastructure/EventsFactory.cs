using System.Net.Http.Json;
using System.Text.Json;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Registrations;
using Assemble.Api.Hosting;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// The API for the events tests. Password hashing is cheaper here (1,000 iterations instead of 210,000; the
/// foundation tests prove the real setting) because these tests sign in hundreds of members.
/// </summary>
public class EventsFactory : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1_000));
    }

    /// <summary>Members with confirmed e-mail addresses, each signed in over HTTP.</summary>
    public async Task<List<TestMember>> MembersAsync(int count, bool emailConfirmed = true)
    {
        var emails = new List<string>();
        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            for (var i = 0; i < count; i++)
            {
                var email = NewEmail("m");
                var created = await users.CreateAsync(new AppUser { UserName = email, Email = email, EmailConfirmed = emailConfirmed }, Password);
                Assert.True(created.Succeeded);
                emails.Add(email);
            }
        }
        var members = new List<TestMember>();
        foreach (var chunk in emails.Chunk(16)) members.AddRange(await Task.WhenAll(chunk.Select(e => SignInAsync(e))));
        return members;
    }

    public async Task<TestMember> MemberAsync(bool emailConfirmed = true) => (await MembersAsync(1, emailConfirmed))[0];

    public async Task<TestMember> OrganizerAsync()
    {
        var member = await MemberAsync();
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await users.AddToRoleAsync((await users.FindByIdAsync(member.Id.ToString()))!, Roles.Organizer);
        return member;
    }

    /// <summary>A member with a verified credential of the given profession (submitted over HTTP, verified by an admin over HTTP).</summary>
    public async Task<TestMember> VerifiedAsync(string profession, TestMember? member = null)
    {
        member ??= await MemberAsync();
        var admin = await AdminAsync();
        var credential = await Expect.JsonAsync(await member.Client.PostAsJsonAsync("/api/me/credentials",
            new { kind = profession, registrationNumber = "R-" + Guid.NewGuid().ToString("N")[..8], issuer = "厚生労働省" }), 201);
        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/credentials/{credential.GetProperty("id").GetString()}/verify", null), 200);
        return member;
    }

    /// <summary>A study session two weeks ahead at 19:00 Tokyo time, online, one free ticket type; fields can be replaced.</summary>
    public static Dictionary<string, object?> StudySession(int capacity = 40, int priceYen = 0, int? quota = null)
    {
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(14).AddHours(10), TimeSpan.Zero); // 19:00 JST
        return new Dictionary<string, object?>
        {
            ["kind"] = "studySession",
            ["format"] = "online",
            ["title"] = "相談記録の書き方 勉強会",
            ["description"] = "支援記録をどう書くか、事例をもとに学びます。",
            ["timeZone"] = "Asia/Tokyo",
            ["startsAt"] = start,
            ["endsAt"] = start.AddHours(2),
            ["onlineJoinUrl"] = "https://zoom.example/j/8123456789?pwd=secret",
            ["attendeeMaterials"] = "資料: https://files.example/handout.pdf",
            ["capacity"] = capacity,
            ["ticketTypes"] = new object[] { new Dictionary<string, object?> { ["name"] = "一般", ["priceYen"] = priceYen, ["quota"] = quota } },
        };
    }

    public sealed record CreatedEvent(Guid Id, Guid TicketTypeId, EventView View);

    public static async Task<CreatedEvent> CreateEventAsync(TestMember organizer, Dictionary<string, object?> body, bool publish = true)
    {
        var created = await organizer.Client.PostAsync<EventView>("/api/events", body, 201);
        if (publish) created = await organizer.Client.PostAsync<EventView>($"/api/events/{created.Id}/publish", null);
        return new CreatedEvent(created.Id, created.TicketTypes[0].Id, created);
    }

    public Task<RegistrationStatus> RegistrationStatusAsync(Guid id)
        => DbAsync(db => db.Registrations.Where(r => r.Id == id).Select(r => r.Status).SingleAsync());

    public Task<int> SeatsTakenAsync(Guid eventId) => DbAsync(db => db.Events.Where(e => e.Id == eventId).Select(e => e.SeatsTaken).SingleAsync());

    /// <summary>The registration's payment (there is one per paid registration).</summary>
    public Task<Payment> PaymentOfAsync(Guid registrationId) => DbAsync(db => db.Payments.SingleAsync(p => p.RegistrationId == registrationId));

    /// <summary>Runs the seat expiry job's body once, as if it were <paramref name="at"/>.</summary>
    public Task<int> RunSeatExpiryAsync(DateTimeOffset at)
        => SeatExpiryJob.RunOnceAsync(Services.GetRequiredService<IServiceScopeFactory>(), at, CancellationToken.None);

    /// <summary>Runs the payment job's body once (refunds, then reconciliation), as if it were <paramref name="at"/>.</summary>
    public Task<Api.Features.Payments.PaymentJobs.Report> RunPaymentJobsAsync(DateTimeOffset? at = null)
        => Api.Features.Payments.PaymentJobs.RunOnceAsync(Services.GetRequiredService<IServiceScopeFactory>(), at ?? DateTimeOffset.UtcNow, CancellationToken.None);
}
