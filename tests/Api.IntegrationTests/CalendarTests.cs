using System.Net.Http.Json;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Events;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Xunit;
using IcalCalendar = Ical.Net.Calendar;

namespace Assemble.Api.IntegrationTests;

public sealed class CalendarTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private const string JoinUrl = "https://zoom.example/j/8123456789?pwd=secret";

    private static readonly DateTimeOffset FirstEvening = new(DateTime.UtcNow.Date.AddDays(7).AddHours(10), TimeSpan.Zero); // 19:00 JST

    /// <summary>A free coaching cohort of four weekly evenings, open to all without approval.</summary>
    private static Dictionary<string, object?> Cohort()
    {
        var body = EventsFactory.StudySession();
        body["kind"] = "coachingCohort";
        body["title"] = "キャリアコーチング 第一期";
        body.Remove("startsAt");
        body.Remove("endsAt");
        body["sessions"] = Enumerable.Range(0, 4)
            .Select(i => new { title = $"第{i + 1}回", startsAt = FirstEvening.AddDays(7 * i), endsAt = FirstEvening.AddDays(7 * i).AddHours(2) }).ToArray();
        return body;
    }

    private static IcalCalendar Load(string ics) => IcalCalendar.Load(ics) ?? throw new InvalidOperationException("Ical.Net read no calendar.");

    [Fact]
    public async Task A_coaching_cohort_is_one_vevent_per_session_in_the_public_file_the_mail_and_the_feed()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, Cohort());
        var uids = e.View.Sessions.Select(s => $"{e.Id}.{s.Id}@assemble").ToList();
        var starts = Enumerable.Range(0, 4).Select(i => FirstEvening.AddDays(7 * i).UtcDateTime).ToList();

        var published = Load(await (await api.CreateClient().GetAsync($"/api/events/{e.Id}.ics")).Content.ReadAsStringAsync());
        Assert.Equal(uids, published.Events.Select(x => x.Uid));
        Assert.Equal(starts, published.Events.Select(x => x.DtStart!.AsUtc));
        Assert.Equal(starts.Select(s => s.AddHours(2)), published.Events.Select(x => x.DtEnd!.AsUtc));
        Assert.All(published.Events, x => Assert.Equal("Asia/Tokyo", x.DtStart!.TzId));
        Assert.All(published.Events, x => Assert.Null(x.Url));

        // The confirmation's attachment, made from the notice the registration's fast path recorded.
        var member = await api.MemberAsync();
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);
        await Notifier.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow, CancellationToken.None);
        var attachment = (await api.DbAsync(db => db.OutboxEmails.Where(m => m.To == member.Email && m.AttachmentName == "event.ics").Select(m => m.AttachmentContent).SingleAsync()))!;
        var mailed = Load(attachment);
        Assert.Equal("PUBLISH", mailed.Method);
        Assert.Equal(uids, mailed.Events.Select(x => x.Uid));
        Assert.All(mailed.Events, x => Assert.Equal(JoinUrl, x.Url!.OriginalString));

        var feed = await member.Client.PostAsync<CalendarFeeds.CalendarFeedView>("/api/me/calendar-feed", null);
        var subscribed = Load(await (await api.CreateClient().GetAsync(feed.Url)).Content.ReadAsStringAsync());
        Assert.Equal(uids, subscribed.Events.Select(x => x.Uid));
        Assert.Equal(starts, subscribed.Events.Select(x => x.DtStart!.AsUtc));
        Assert.All(subscribed.Events, x => Assert.Equal(JoinUrl, x.Url!.OriginalString));
        Assert.Equal(["第1回", "第2回", "第3回", "第4回"], subscribed.Events.Select(x => x.Summary!.Split(' ')[^1]));
    }

    [Fact]
    public async Task The_private_feed_has_an_absolute_address_and_is_never_cached()
    {
        var member = await api.MemberAsync();

        var url = (await member.Client.PostAsync<CalendarFeeds.CalendarFeedView>("/api/me/calendar-feed", null)).Url;

        Assert.True(Uri.TryCreate(url, UriKind.Absolute, out var address), url);
        // On the public address (App:PublicBaseUrl), not the Host the request named.
        Assert.StartsWith($"{ApiFactory.PublicBaseUrl}/api/calendar/", url);
        Assert.Matches(@"^/api/calendar/[A-Za-z0-9_-]{32}\.ics$", address.AbsolutePath);
        var response = await api.CreateClient().GetAsync(address.PathAndQuery);
        await Expect.StatusAsync(response, 200);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
        var gone = await api.CreateClient().GetAsync("/api/calendar/made-up-token-that-is-long.ics");
        Assert.True(gone.Headers.CacheControl?.NoStore);
    }
}
