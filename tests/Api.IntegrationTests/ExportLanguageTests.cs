using System.Net.Http.Json;
using System.Text;
using Assemble.Api.IntegrationTests.Infrastructure;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The CSV exports speak one language per file: Japanese cells under Japanese headers, or English throughout with ?lang=en.</summary>
public sealed class ExportLanguageTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    [Fact]
    public async Task The_attendee_csv_prints_statuses_and_professions_in_the_headers_language()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());
        var member = await api.MemberAsync();
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync("/api/me/profile", new
        {
            displayName = "=1+2",
            professions = new[] { "clinicalPsychologist", "psychiatricSocialWorker" },
            visibility = new { professions = "public" },
        }), 200);
        await Expect.StatusAsync(await member.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }), 201);

        var japanese = await CsvAsync(organizer, $"/api/events/{e.Id}/attendees.csv");
        Assert.StartsWith("申込ID,氏名,ふりがな,所属,職種,チケット,枚数,状態,", japanese);
        Assert.Contains("臨床心理士 / 精神保健福祉士", japanese);
        Assert.Contains(",確定,", japanese);
        Assert.Contains("'=1+2", japanese);
        Assert.DoesNotContain("ClinicalPsychologist", japanese);
        Assert.DoesNotContain("Confirmed", japanese);
        Assert.Equal(japanese, await CsvAsync(organizer, $"/api/events/{e.Id}/attendees.csv?lang=ja"));

        var english = await CsvAsync(organizer, $"/api/events/{e.Id}/attendees.csv?lang=en");
        Assert.StartsWith("Registration ID,Name,Name (kana),Organisation,Professions,Ticket,Quantity,Status,Amount (JPY),Registered at,Checked in", english);
        Assert.Contains("Clinical psychologist / Psychiatric social worker", english);
        Assert.Contains(",Confirmed,", english);
        Assert.Contains("'=1+2", english);
        Assert.DoesNotContain("臨床心理士", english);
        Assert.DoesNotContain("確定", english);

        await Expect.FieldErrorAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/attendees.csv?lang=fr"), "lang");
    }

    [Fact]
    public async Task The_payments_csv_has_english_headers_with_lang_en()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession());

        Assert.Equal("決済ID,申込ID,氏名,金額(円),状態,返金額(円),作成日時(UTC),支払日時(UTC)\r\n", await CsvAsync(organizer, $"/api/events/{e.Id}/payments.csv"));
        Assert.Equal("Payment ID,Registration ID,Name,Amount (JPY),Status,Refunded (JPY),Created at (UTC),Paid at (UTC)\r\n",
            await CsvAsync(organizer, $"/api/events/{e.Id}/payments.csv?lang=en"));
        await Expect.FieldErrorAsync(await organizer.Client.GetAsync($"/api/events/{e.Id}/payments.csv?lang=english"), "lang");
    }

    /// <summary>The text after the BOM, which every export starts with.</summary>
    private static async Task<string> CsvAsync(TestMember who, string path)
    {
        var response = await who.Client.GetAsync(path);
        await Expect.StatusAsync(response, 200);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        return Encoding.UTF8.GetString(bytes[3..]);
    }
}
