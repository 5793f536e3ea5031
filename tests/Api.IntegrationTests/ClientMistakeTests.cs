using System.Net.Http.Json;
using Assemble.Api.Features.Events;
using Assemble.Api.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Mistakes that once gave 500s (issue 16): each is a 400 naming the field, and nothing is written.</summary>
public sealed class ClientMistakeTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Theory]
    [InlineData("title", "勉強会\u0000")]
    [InlineData("description", "説明\u0000です")]
    [InlineData("startsAt", "0001-01-01T00:00:00Z")]
    [InlineData("endsAt", "2101-01-01T00:00:00Z")]
    public async Task An_event_with_a_nul_or_an_instant_outside_2000_to_2100_is_400_and_not_saved(string field, string value)
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body[field] = value;
        var before = await api.DbAsync(db => db.Events.CountAsync());
        var problem = await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), field);
        Assert.Equal("request.malformed", problem.GetProperty("code").GetString());
        Assert.Equal(before, await api.DbAsync(db => db.Events.CountAsync()));
    }

    [Fact]
    public async Task A_nul_in_a_profile_is_400_and_the_profile_unchanged()
    {
        var member = await api.MemberAsync();
        await Expect.FieldErrorAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "佐藤", bio = "はじめまして\u0000" }), "bio");
        Assert.Equal(0, await api.DbAsync(db => db.MemberProfiles.CountAsync(p => p.Id == member.Id && p.Bio != null)));
    }

    [Fact]
    public async Task A_nul_in_a_query_string_is_400_naming_the_parameter()
    {
        var problem = await Expect.FieldErrorAsync(await api.CreateClient().GetAsync("/api/events?q=%00"), "q");
        Assert.Equal("request.malformed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_forged_cursor_of_the_right_length_is_400_invalid_cursor()
    {
        // 24 bytes: ticks far beyond any instant, then an id.
        var forged = Convert.ToBase64String([.. BitConverter.GetBytes(long.MaxValue), .. Guid.NewGuid().ToByteArray()]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await Expect.ProblemAsync(await api.CreateClient().GetAsync($"/api/events?cursor={forged}"), 400, "request.invalid_cursor");
        await Expect.ProblemAsync(await api.CreateClient().GetAsync("/api/events?cursor=bm90LW91cnM"), 400, "request.invalid_cursor");
    }

    [Fact]
    public async Task A_confirmation_link_with_a_user_id_that_is_not_ours_is_400()
        => await Expect.FieldErrorAsync(await api.CreateClient().GetAsync("/api/auth/confirmEmail?userId=not-a-guid&code=x"), "userId");

    [Fact]
    public async Task A_round_length_out_of_range_on_a_read_is_400()
    {
        var member = await api.MemberAsync();
        await Expect.FieldErrorAsync(await member.Client.GetAsync($"/api/events/{Guid.NewGuid()}/matchmaking/rounds?minutesPerRound=-2147483648"), "minutesPerRound");
    }

    [Fact]
    public async Task A_null_element_in_any_list_is_400_naming_its_place_and_nothing_is_saved()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body["ticketTypes"] = new object?[] { new { name = "一般", priceYen = 0 }, null };
        var before = await api.DbAsync(db => db.Events.CountAsync());
        var problem = await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), "ticketTypes[1]");
        Assert.Equal("request.malformed", problem.GetProperty("code").GetString());
        Assert.Equal(before, await api.DbAsync(db => db.Events.CountAsync()));

        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var member = await api.MemberAsync();
        await Expect.FieldErrorAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId, answers = new object?[] { null } }), "answers[0]");
        await Expect.FieldErrorAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations",
            new { ticketTypeId = e.TicketTypeId, answers = new[] { new { questionId = Guid.NewGuid(), choices = new[] { "a", null } } } }), "answers[0].choices[1]");
        var admin = await api.AdminAsync();
        await Expect.FieldErrorAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{member.Id}/roles", new { roles = new[] { "organizer", null } }), "roles[1]");
        await Expect.FieldErrorAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "佐藤", interests = new string?[] { null } }), "interests[0]");
        Assert.Equal(0, await api.DbAsync(db => db.Registrations.CountAsync(r => r.MemberId == member.Id)));
    }

    [Fact]
    public async Task Every_list_and_string_has_a_maximum_and_a_huge_body_is_413()
    {
        var member = await api.MemberAsync();
        await Expect.FieldErrorAsync(await member.Client.PutAsJsonAsync("/api/me/profile",
            new { displayName = "佐藤", interests = Enumerable.Range(0, 1001).Select(i => $"i{i}").ToArray() }), "interests");
        await Expect.FieldErrorAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "佐藤", bio = new string('あ', 20_001) }), "bio");
        var huge = new StringContent("{\"bio\":\"" + new string('a', 1_100_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        await Expect.ProblemAsync(await member.Client.PutAsync("/api/me/profile", huge), 413, "request.too_large");
        Assert.Equal(0, await api.DbAsync(db => db.MemberProfiles.CountAsync(p => p.Id == member.Id && p.Bio != null)));
    }

    [Fact]
    public async Task Line_breaks_are_refused_in_one_line_fields_and_kept_in_multi_line_ones()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession();
        body["title"] = "勉強会\r\nBcc: everyone@example.jp";
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), "title", "request.malformed");
        body = EventsFactory.StudySession();
        body["ticketTypes"] = new object[] { new { name = "一般\n早割", priceYen = 0 } };
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), "ticketTypes[0].name", "request.malformed");
        body = EventsFactory.StudySession();
        body["onlineJoinUrl"] = "https://zoom.example/j/1\r\nX-Injected: 1";
        await Expect.FieldErrorAsync(await organizer.Client.PostAsJsonAsync("/api/events", body), "onlineJoinUrl", "request.malformed");

        body = EventsFactory.StudySession();
        body["description"] = "一行目\n二行目";
        var created = await organizer.Client.PostAsync<EventView>("/api/events", body, 201);
        Assert.Equal("一行目\n二行目", created.Description);

        var member = await api.MemberAsync();
        await Expect.FieldErrorAsync(await member.Client.PostAsJsonAsync("/api/me/credentials", new { kind = "clinicalPsychologist", registrationNumber = "12345\n6" }), "registrationNumber");
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new { displayName = "佐藤", bio = "はじめまして。\nよろしくお願いします。" }), 200);
    }
}
