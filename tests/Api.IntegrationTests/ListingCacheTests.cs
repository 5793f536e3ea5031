using System.Net.Http.Json;
using System.Text.Json;
using Assemble.Api.Features.Events;
using Assemble.Api.Common;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>
/// The public listing is answered from memory and never hides a change made through the same process. Pages live a
/// minute here, so only the commit clock can make a change show.
/// </summary>
public sealed class ListingCacheTests(ListingCacheTests.Factory api) : IClassFixture<ListingCacheTests.Factory>
{
    public sealed class Factory : EventsFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Events:ListingCacheMilliseconds"] = "60000" };
    }

    internal static Dictionary<string, object?> Tagged(string tag, int capacity, int? quota = null, int days = 0)
    {
        var body = EventsFactory.StudySession(capacity: capacity, quota: quota);
        body["title"] = $"キャッシュ {tag}";
        var start = (DateTimeOffset)body["startsAt"]! + TimeSpan.FromDays(days);
        body["startsAt"] = start;
        body["endsAt"] = start.AddHours(2);
        return body;
    }

    internal static async Task<Dictionary<string, int>> SeatsLeftAsync(HttpClient client, string tag)
    {
        var page = await client.GetAsync<Page<EventSummary>>($"/api/events?q={tag}&limit=10");
        return page.Items.ToDictionary(i => i.Id.ToString(), i => i.SeatsLeft);
    }

    internal static async Task RegisterAsync(HttpClient client, TestMember member, EventsFactory.CreatedEvent e)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{e.Id}/registrations") { Content = JsonContent.Create(new { ticketTypeId = e.TicketTypeId }) };
        request.Headers.Authorization = member.Client.DefaultRequestHeaders.Authorization;
        await Expect.JsonAsync(await client.SendAsync(request), 201);
    }

    [Fact]
    public async Task A_page_is_read_once_and_every_registration_publication_or_cancellation_here_shows_in_the_very_next_request()
    {
        var organizer = await api.OrganizerAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var open = await EventsFactory.CreateEventAsync(organizer, Tagged(tag, capacity: 3));
        var quota = await EventsFactory.CreateEventAsync(organizer, Tagged(tag, capacity: 3, quota: 2, days: 1));
        var members = await api.MembersAsync(2);
        var cache = api.Services.GetRequiredService<ListingCache>();
        var anonymous = api.CreateClient();

        var first = await SeatsLeftAsync(anonymous, tag);
        var reads = cache.Reads;
        Assert.Equal(first, await SeatsLeftAsync(anonymous, tag));
        Assert.Equal(reads, cache.Reads);
        Assert.Equal(3, first[open.Id.ToString()]);
        Assert.Equal(3, first[quota.Id.ToString()]);

        // The one-statement seat path (its group commit) and the locked path of a ticket type with a quota.
        await RegisterAsync(api.CreateClient(), members[0], open);
        Assert.Equal(2, (await SeatsLeftAsync(anonymous, tag))[open.Id.ToString()]);
        await RegisterAsync(api.CreateClient(), members[1], quota);
        Assert.Equal(2, (await SeatsLeftAsync(anonymous, tag))[quota.Id.ToString()]);

        var later = await EventsFactory.CreateEventAsync(organizer, Tagged(tag, capacity: 5, days: 2));
        Assert.Equal(5, (await SeatsLeftAsync(anonymous, tag))[later.Id.ToString()]);
        await Expect.JsonAsync(await organizer.Client.PostAsJsonAsync($"/api/events/{later.Id}/cancel", new { reason = "講師の体調不良のため" }));
        var afterCancel = await SeatsLeftAsync(anonymous, tag);
        Assert.Equal(new[] { open.Id.ToString(), quota.Id.ToString() }.Order(), afterCancel.Keys.Order());
    }
}

/// <summary>A change made through another process shows in the listing within the cache's lifetime.</summary>
public sealed class ListingAcrossProcessesTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private static Dictionary<string, object?> Tagged(string tag, int capacity) => ListingCacheTests.Tagged(tag, capacity);
    private static Task<Dictionary<string, int>> SeatsLeftAsync(HttpClient client, string tag) => ListingCacheTests.SeatsLeftAsync(client, tag);
    private static Task RegisterAsync(HttpClient client, TestMember member, EventsFactory.CreatedEvent e) => ListingCacheTests.RegisterAsync(client, member, e);

    [Fact]
    public async Task A_registration_through_another_process_shows_within_the_cache_lifetime()
    {
        await using var second = api.SecondInstance();
        var secondClient = second.CreateClient();
        var organizer = await api.OrganizerAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var e = await EventsFactory.CreateEventAsync(organizer, Tagged(tag, capacity: 2));
        var member = await api.MemberAsync();
        var anonymous = api.CreateClient();
        Assert.Equal(2, (await SeatsLeftAsync(anonymous, tag))[e.Id.ToString()]);

        await RegisterAsync(secondClient, member, e);

        await Task.Delay(api.Services.GetRequiredService<IOptions<ListingOptions>>().Value.ListingCacheMilliseconds);
        Assert.Equal(1, (await SeatsLeftAsync(anonymous, tag))[e.Id.ToString()]);
        Assert.Equal(1, (await SeatsLeftAsync(secondClient, tag))[e.Id.ToString()]);
    }
}
