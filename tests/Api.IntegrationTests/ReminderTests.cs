using System.Net.Http.Json;
using Assemble.Api.Common;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

public sealed class ReminderTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private Task<int> RunAsync(DateTimeOffset at) => ReminderMailer.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), at, CancellationToken.None);

    [Fact]
    public async Task The_day_before_reminder_goes_once_to_confirmed_attendees_who_want_it()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var members = await api.MembersAsync(3);
        foreach (var m in members) await Expect.StatusAsync(await m.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        var cancelled = (await members[1].Client.GetAsync<Page<RegistrationView>>("/api/me/registrations")).Items[0].Id;
        await Expect.StatusAsync(await members[1].Client.PostAsync($"/api/registrations/{cancelled}/cancel", null), 200);
        await Expect.StatusAsync(await members[2].Client.PutAsJsonAsync("/api/me/mail-preferences", new { reminders = false }), 200);

        var rules = await organizer.Client.GetAsync<ReminderEndpoints.RulesResponse>($"/api/events/{e.Id}/reminder-rules");
        var dayBefore = rules.NextReminders[0].Utc;
        Assert.EndsWith("T18:00:00+09:00", rules.NextReminders[0].Local);
        Assert.Equal(((DateTimeOffset)body["startsAt"]!).AddDays(-1).AddHours(-1), dayBefore);

        // Other tests of this class have events too: count this event's reminders.
        await RunAsync(dayBefore.AddMinutes(-1));
        Assert.Equal(0, await api.DbAsync(db => db.ReminderSends.CountAsync(r => r.EventId == e.Id)));
        await Task.WhenAll(RunAsync(dayBefore.AddSeconds(1)), RunAsync(dayBefore.AddSeconds(2)));
        await RunAsync(dayBefore.AddMinutes(10));
        Assert.Equal(1, await api.DbAsync(db => db.ReminderSends.CountAsync(r => r.EventId == e.Id)));
        Assert.Equal(1, await api.DbAsync(db => db.ReminderSends.Where(r => r.EventId == e.Id).Select(r => r.Recipients).SingleAsync()));
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == members[0].Email && m.Subject.Contains("リマインド") && !m.Essential)));
        Assert.Equal(0, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => (m.To == members[1].Email || m.To == members[2].Email) && m.Subject.Contains("リマインド"))));
        var mail = await api.MailAsync(members[0].Email, m => m.Subject.Contains("リマインド"), dayBefore.AddMinutes(11));
        Assert.Contains("zoom.example", mail.Text);
        Assert.Contains(Directory.GetFiles(api.MailFolder, "*.eml").Select(File.ReadAllText), eml => eml.Contains("text/html") && eml.Contains(members[0].Email));

        // The mail names its one-click unsubscribe (RFC 8058) on the public address; the text carries the same link.
        var header = mail.Message.Headers["List-Unsubscribe"] ?? "";
        Assert.StartsWith($"<{ApiFactory.PublicBaseUrl}/api/mail/unsubscribe?token=", header);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Message.Headers["List-Unsubscribe-Post"]);
        var link = header.Trim('<', '>');
        Assert.Contains(link, mail.Text);

        // Opening the link changes nothing (mail scanners open links); the one-click POST turns reminders off
        // without signing in; a forged token does nothing.
        var path = new Uri(link).PathAndQuery;
        await Expect.StatusAsync(await api.CreateClient().GetAsync("/api/mail/unsubscribe?token=forged"), 400);
        var page = await api.CreateClient().GetAsync(path);
        await Expect.StatusAsync(page, 200);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync());
        Assert.True((await members[0].Client.GetAsync<MailPreferences>("/api/me/mail-preferences")).Reminders);
        await Expect.StatusAsync(await api.CreateClient().PostAsync("/api/mail/unsubscribe?token=forged",
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])), 400);
        await Expect.StatusAsync(await api.CreateClient().PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])), 200);
        var prefs = await members[0].Client.GetAsync<MailPreferences>("/api/me/mail-preferences");
        Assert.False(prefs.Reminders);
    }

    [Fact]
    public async Task Moving_the_event_moves_its_reminders_and_organizers_set_the_rules()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var member = await api.MemberAsync();
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        var oldDue = (await organizer.Client.GetAsync<ReminderEndpoints.RulesResponse>($"/api/events/{e.Id}/reminder-rules")).NextReminders[0].Utc;

        var later = ((DateTimeOffset)body["startsAt"]!).AddDays(3);
        body["startsAt"] = later;
        body["endsAt"] = later.AddHours(2);
        body["ticketTypes"] = new object[] { new { id = e.TicketTypeId, name = "一般", priceYen = 0 } };
        await Expect.StatusAsync(await organizer.Client.PutAsJsonAsync($"/api/events/{e.Id}", body), 200);
        await RunAsync(oldDue.AddSeconds(1));
        Assert.Equal(0, await api.DbAsync(db => db.ReminderSends.CountAsync(r => r.EventId == e.Id)));
        await RunAsync(oldDue.AddDays(3).AddSeconds(1));
        Assert.Equal(1, await api.DbAsync(db => db.ReminderSends.CountAsync(r => r.EventId == e.Id && r.Recipients == 1)));

        await Expect.ProblemAsync(await member.Client.PutAsJsonAsync($"/api/events/{e.Id}/reminder-rules", new { rules = Array.Empty<object>() }), 403, "event.not_organizer");
        await Expect.FieldErrorAsync(await organizer.Client.PutAsJsonAsync($"/api/events/{e.Id}/reminder-rules", new { rules = new[] { new { daysBefore = 1 } } }), "rules[0]", "reminders.invalid");
        var set = await organizer.Client.PutAsync<ReminderEndpoints.RulesResponse>($"/api/events/{e.Id}/reminder-rules", new { rules = new[] { new { daysBefore = 2, at = "09:30:00" } } });
        Assert.EndsWith("T09:30:00+09:00", set.NextReminders[0].Local);
        await Expect.ProblemAsync(await api.CreateClient().GetAsync("/api/me/mail-preferences"), 401, "auth.unauthenticated");
    }

    [Fact]
    public async Task A_rule_can_remind_holders_yet_to_pay_without_giving_them_the_join_url()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(priceYen: 2000);
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var holder = await api.MemberAsync();
        await Expect.StatusAsync(await holder.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 202);
        var set = await organizer.Client.PutAsync<ReminderEndpoints.RulesResponse>($"/api/events/{e.Id}/reminder-rules",
            new { rules = new[] { new { daysBefore = (int?)null, at = (string?)null, hoursBefore = (int?)24, statuses = new[] { "pendingPayment" } } } });
        var due = set.NextReminders[0].Utc;
        await RunAsync(due.AddSeconds(1));
        Assert.Equal(1, await api.DbAsync(db => db.ReminderSends.Where(r => r.EventId == e.Id).Select(r => r.Recipients).SingleAsync()));
        var body2 = await api.DbAsync(db => db.OutboxEmails.Where(m => m.To == holder.Email && m.Subject.Contains("リマインド")).Select(m => m.TextBody).SingleAsync());
        Assert.DoesNotContain("zoom.example", body2);
        await Expect.FieldErrorAsync(await organizer.Client.PutAsJsonAsync($"/api/events/{e.Id}/reminder-rules",
            new { rules = new[] { new { hoursBefore = 2, statuses = new[] { "cancelled" } } } }), "rules[0].statuses", "reminders.invalid");
    }

    [Fact]
    public async Task An_organizer_messages_confirmed_attendees_through_the_outbox_within_a_limit()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var members = await api.MembersAsync(2);
        await Expect.StatusAsync(await members[0].Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        // An attendee who turned optional mail off gets no organizers' messages either.
        await Expect.StatusAsync(await members[1].Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        await Expect.StatusAsync(await members[1].Client.PutAsJsonAsync("/api/me/mail-preferences", new { reminders = false }), 200);
        var sent = await organizer.Client.PostAsync<MessageAttendees.Response>($"/api/events/{e.Id}/messages", new { subject = "会場の入口について", body = "正面玄関は閉まっています。西口からお入りください。" });
        Assert.Equal(1, sent.Recipients);
        Assert.Equal(0, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == members[1].Email && m.Subject.Contains("会場の入口"))));
        var mail = await api.MailAsync(members[0].Email, m => m.Subject.Contains("会場の入口"));
        Assert.Contains("西口", mail.Text);
        Assert.StartsWith($"<{ApiFactory.PublicBaseUrl}/api/mail/unsubscribe?token=", mail.Message.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Message.Headers["List-Unsubscribe-Post"]);
        // Essential mail (the registration's confirmation) carries neither header.
        var confirmation = await api.MailAsync(members[0].Email, m => !m.Subject.Contains("会場の入口"));
        Assert.Null(confirmation.Message.Headers["List-Unsubscribe"]);
        Assert.Null(confirmation.Message.Headers["List-Unsubscribe-Post"]);

        // A subject is one header line: a line break is refused with the field named, and nothing is queued.
        var queued = await api.DbAsync(db => db.OutboxEmails.CountAsync());
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/messages", new { subject = "会場\r\nBcc: everyone@example.jp", body = "x" }), "subject", "request.malformed");
        Assert.Equal(queued, await api.DbAsync(db => db.OutboxEmails.CountAsync()));

        await Expect.ProblemAsync(await members[1].Client.PostAsJsonAsync($"/api/events/{e.Id}/messages", new { subject = "spam", body = "spam" }), 403, "event.not_organizer");
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/messages", new { subject = "", body = "x" }), "subject", "message.invalid");
        for (var i = 1; i < 5; i++)
            await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/messages", new { subject = $"お知らせ{i}", body = "本文" }), 200);
        await Expect.ProblemAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{e.Id}/messages", new { subject = "6通目", body = "本文" }), 409, "message.rate_limited");
    }
}
