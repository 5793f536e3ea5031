using System.Net.Http.Json;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class NotificationTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task A_stored_notice_that_cannot_be_read_is_passed_over_and_the_ones_behind_it_go_out()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var member = await api.MemberAsync();
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        await Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None);
        var bad = Guid.CreateVersion7();
        await api.ScalarAsync($$"""
            INSERT INTO notification_records (id, type, event_id, member_id, subject_id, occurred_at, payload)
            VALUES ('{{bad}}', 'refund.completed', '{{e.Id}}', '{{member.Id}}', '{{Guid.NewGuid()}}', now(), '{"amountYen": "lots"}')
            """);
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);

        await Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == member.Email && m.Subject.Contains("確定"))));
        Assert.NotNull(await api.DbAsync(db => db.NotificationRecords.Where(r => r.Id == bad).Select(r => r.ProcessedAt).SingleAsync()));
    }

    [Fact]
    public async Task A_confirmed_attendee_is_mailed_in_japanese_with_the_join_url_a_holder_without_it()
    {
        var organizer = await api.OrganizerAsync();
        var free = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var attendee = await api.MemberAsync();
        await Expect.StatusAsync(await attendee.Client.PostAsJsonAsync($"/api/events/{free.Id}/registrations", new { ticketTypeId = free.TicketTypeId }), 201);
        var mail = await api.MailAsync(attendee.Email, m => m.Subject.Contains("確定"));
        Assert.Contains("相談記録の書き方 勉強会", mail.Subject);
        Assert.Matches(@"日時: \d{4}年\d{1,2}月\d{1,2}日\(.\) 19:00 JST", mail.Text);
        Assert.Contains("https://zoom.example/j/8123456789?pwd=secret", mail.Text);
        // The confirmation carries the event as an iCalendar file.
        var ics = await api.DbAsync(db => db.OutboxEmails.Where(m => m.To == attendee.Email && m.AttachmentName == "event.ics").Select(m => m.AttachmentContent).SingleAsync());
        Assert.StartsWith("BEGIN:VCALENDAR", ics);
        Assert.Contains($"UID:{free.Id}@assemble", ics);
        Assert.Contains(Directory.GetFiles(api.MailFolder, "*.eml").Select(File.ReadAllText), eml => eml.Contains("text/calendar") && eml.Contains("event.ics"));

        var paid = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 3000));
        var holder = await api.MemberAsync();
        await Expect.StatusAsync(await holder.Client.PostAsJsonAsync($"/api/events/{paid.Id}/registrations", new { ticketTypeId = paid.TicketTypeId }), 202);
        var hold = await api.MailAsync(holder.Email, m => m.Subject.Contains("お支払い"));
        Assert.DoesNotContain("zoom.example", hold.Text);
        Assert.Contains("JST", hold.Text);
    }

    [Fact]
    public async Task An_english_speaking_member_gets_english_and_a_change_reaches_every_confirmed_attendee_once()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var english = await api.MemberAsync();
        await english.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "Emma", preferredLanguage = "en" });
        var japanese = await api.MemberAsync();
        foreach (var m in new[] { english, japanese })
            await Expect.StatusAsync(await m.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        var confirmed = await api.MailAsync(english.Email, m => m.Subject.Contains("registered"));
        Assert.Matches(@"When: \w{3} \d{1,2} \w{3} \d{4}, 19:00 JST", confirmed.Text);

        body["title"] = "相談記録の書き方 勉強会（会場変更）";
        body["ticketTypes"] = new object[] { new { id = e.TicketTypeId, name = "一般", priceYen = 0 } };
        await Expect.StatusAsync(await organizer.Client.PutAsJsonAsync($"/api/events/{e.Id}", body), 200);
        await api.MailAsync(japanese.Email, m => m.Subject.Contains("変更"));
        await api.MailAsync(english.Email, m => m.Subject.Contains("updated"));
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        Assert.Equal(0, await Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == japanese.Email && m.Subject.Contains("変更"))));
    }
}

/// <summary>
/// Every notice is recorded in the transaction of the change that causes it (both commit, or neither exists), and its
/// mail is made after the commit, by the notifier alone, once.
/// </summary>
public sealed class MailInTheSameTransactionTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task Registering_and_cancelling_record_their_notice_with_the_change_and_mail_it_after_the_commit_once()
    {
        // Scheduler disabled: no job runs unless the test runs it.
        var organizer = await api.OrganizerAsync();
        var free = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var attendee = await api.MemberAsync();
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        var registration = await attendee.Client.PostAsync<RegistrationView>($"/api/events/{free.Id}/registrations", new { ticketTypeId = free.TicketTypeId }, 201);
        Assert.Equal(1, await api.DbAsync(db => db.NotificationRecords.CountAsync(n => n.MemberId == attendee.Id && n.Type == "registration.confirmed" && n.ProcessedAt == null)));
        // Nothing was rendered while the seat was being taken.
        Assert.Equal(0, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == attendee.Email)));

        Assert.Equal(1, await Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == attendee.Email && m.Subject.Contains("確定") && m.AttachmentName == "event.ics")));
        Assert.Equal(0, await api.DbAsync(db => db.NotificationRecords.CountAsync(n => n.MemberId == attendee.Id && n.ProcessedAt == null)));
        Assert.Equal(0, await Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None));

        await Expect.StatusAsync(await attendee.Client.PostAsync($"/api/registrations/{registration.Id}/cancel", null), 200);
        Assert.Equal(1, await api.DbAsync(db => db.NotificationRecords.CountAsync(n => n.MemberId == attendee.Id && n.Type == "registration.cancelled" && n.ProcessedAt == null)));
        await Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == attendee.Email && m.Subject.Contains("キャンセル"))));

        var email = api.NewEmail();
        await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password }), 200);
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == email)));
        // A refused sign-up leaves neither an account nor a mail.
        var refused = api.NewEmail();
        await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = refused, password = "password" }), 400);
        Assert.Equal(0, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == refused)));
        Assert.Equal(0, await api.DbAsync(db => db.Users.CountAsync(u => u.Email == refused)));
    }

    [Fact]
    public async Task A_change_that_rolls_back_leaves_no_notice_and_one_that_commits_leaves_exactly_its_mail()
    {
        var organizer = await api.OrganizerAsync();
        var free = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var attendee = await api.MemberAsync();
        await Expect.StatusAsync(await attendee.Client.PostAsJsonAsync($"/api/events/{free.Id}/registrations", new { ticketTypeId = free.TicketTypeId }), 201);
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        await Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None);
        var before = await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == attendee.Email));

        foreach (var commit in new[] { false, true })
        {
            using var scope = api.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<Assemble.Infrastructure.Persistence.AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.NotificationRecords.Add(Assemble.Infrastructure.Persistence.Notifications.NotificationRecord.Of(
                new Assemble.Domain.Events.RegistrationRemoved(free.Id, attendee.Id, Guid.NewGuid(), DateTimeOffset.UtcNow, "test")));
            await db.SaveChangesAsync();
            if (commit) await transaction.CommitAsync();
            else await transaction.RollbackAsync();
        }
        Assert.Equal(1, await api.DbAsync(db => db.NotificationRecords.CountAsync(n => n.MemberId == attendee.Id && n.Type == "registration.removed")));
        await Notifier.RunOnceAsync(scopes, DateTimeOffset.UtcNow, CancellationToken.None);
        // Only the committed change's notice was mailed, with the reason it carried.
        Assert.Equal(before + 1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == attendee.Email)));
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == attendee.Email && m.TextBody.Contains("理由: test"))));
        Assert.Equal(1, await api.DbAsync(db => db.NotificationRecords.CountAsync(n => n.MemberId == attendee.Id && n.Type == "registration.removed" && n.ProcessedAt != null)));
    }
}
