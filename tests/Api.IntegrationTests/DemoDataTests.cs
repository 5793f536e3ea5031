using System.Net.Http.Json;
using Assemble.Api.Hosting;
using Assemble.Api.Common;
using Assemble.Api.Features.Events;
using Assemble.Api.Features.Referrals;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Assemble.Domain.Referrals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The demo data a fresh clone starts with holds together: the referral board and a matchmaking evening work through the API.</summary>
public sealed class DemoDataTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task Demo_data_gives_the_board_fifty_practices_a_few_requests_and_a_matchmaking_evening_that_can_be_scheduled()
    {
        IReadOnlyList<(string Email, string Password)> created;
        using (var scope = api.Services.CreateScope())
            created = await scope.ServiceProvider.GetRequiredService<DemoData>().SeedAsync();
        string Password(string email) => created.Single(c => c.Email == email).Password;

        Assert.True(await api.DbAsync(db => db.PracticeProfiles.CountAsync()) >= 50);
        Assert.Equal(3, await api.DbAsync(db => db.ReferralRequests.CountAsync()));
        Assert.Equal(2, await api.DbAsync(db => db.Introductions.CountAsync(i => i.Status == IntroductionStatus.Sent)));

        var psychologist = await api.VerifiedAsync("clinicalPsychologist");
        var found = await psychologist.Client.GetAsync<Page<SearchDirectory.Match>>("/api/directory?specialty=trauma-ptsd&prefecture=osaka");
        Assert.NotEmpty(found.Items);

        var doctor = await api.SignInAsync("member16@assemble.example", Password("member16@assemble.example"));
        var requestId = await api.DbAsync(db => db.ReferralRequests.Where(r => r.RequesterId == doctor.Id).Select(r => r.Id).SingleAsync());
        var introductions = await doctor.Client.GetAsync<List<Introductions.SentIntroductionView>>($"/api/referral-requests/{requestId}/introductions");
        Assert.Equal(2, introductions.Count);

        var organizer = await api.SignInAsync("organizer2@assemble.example", Password("organizer2@assemble.example"));
        var eveningId = await api.DbAsync(db => db.Events.Where(e => e.Kind == EventKind.Matchmaking).Select(e => e.Id).SingleAsync());
        var schedule = await organizer.Client.PostAsync<Matchmaking.ScheduleView>($"/api/events/{eveningId}/matchmaking/rounds", new { rounds = 4, minutesPerRound = 15 }, 201);
        // Two doctors meet someone in each of four rounds; the four practitioners get two meetings each.
        Assert.Equal(8, schedule.Meetings.Count);
        Assert.All(schedule.MeetingsPerParticipant.Values, n => Assert.InRange(n, 2, 4));

        // Two plans, members in each standing, and paid seats with their receipts (the member price to the member).
        Assert.Equal(["general", "regular"], await api.DbAsync(db => db.MembershipPlans.OrderBy(p => p.Code).Select(p => p.Code).ToListAsync()));
        var admin = await api.SignInAsync(DemoData.AdminEmail, Password(DemoData.AdminEmail));
        foreach (var (status, count) in new[] { ("active", 6), ("grace", 1), ("lapsed", 1) })
            Assert.Equal(count, (await admin.Client.GetAsync<Page<Features.Memberships.MembershipRoll.MembershipLine>>($"/api/admin/memberships?status={status}")).Items.Count);
        var paidSeats = await api.DbAsync(db => db.Payments.Where(p => p.Purpose == Domain.Payments.PaymentPurpose.Ticket)
            .Join(db.Receipts, p => p.Id, r => r.PaymentId, (p, r) => r.TotalYen).OrderBy(t => t).ToListAsync());
        Assert.Equal([3_500, 4_000], paidSeats);
        // One 正会員 paid by card, its receipt filed under the card payment, all dated the day it was paid.
        var card = await api.DbAsync(db => db.MembershipPayments.Join(db.Payments, m => m.PaymentId, p => p.Id, (m, p) => new { m.Method, m.PaidOn, p.PaidAt, p.Purpose, PaymentId = p.Id }).SingleAsync());
        Assert.Equal((Domain.Memberships.DuesMethod.Card, Domain.Payments.PaymentPurpose.Dues, Domain.Memberships.MembershipPayment.DayInJapan(card.PaidAt!.Value)),
            (card.Method, card.Purpose, card.PaidOn));
        Assert.Equal(card.PaidOn, await api.DbAsync(db => db.Receipts.Where(r => r.PaymentId == card.PaymentId).Select(r => r.TransactionOn).SingleAsync()));
        Assert.Equal(10, await api.DbAsync(db => db.Receipts.CountAsync()));
        var member = await api.SignInAsync("member03@assemble.example", Password("member03@assemble.example"));
        Assert.Equal(2, (await member.Client.GetAsync<List<Features.Receipts.Receipts.ReceiptView>>("/api/me/receipts")).Count);
    }
}
