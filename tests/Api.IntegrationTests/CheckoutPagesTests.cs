using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Assemble.Api.Features.Email;
using Assemble.Api.Features.Payments;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Email;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The pages a buyer's browser lands on around Stripe Checkout, and the pay link of the "awaiting payment" mail.</summary>
public sealed class CheckoutPagesTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    private const string Title = "事例検討会 <第2回> & 懇親会";
    private const string EncodedTitle = "事例検討会 &lt;第2回&gt; &amp; 懇親会";

    private sealed record Held(Guid EventId, TestMember Buyer, Guid Id, string? Session, string? CheckoutUrl, DateTimeOffset HoldExpiresAt);

    private async Task<Held> HoldAsync()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(priceYen: 3000);
        body["title"] = Title;
        // Longer than Checkout's 31-minute minimum, so the hold is never extended: one deadline for mail and pages.
        body["holdMinutes"] = 120;
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var buyer = await api.MemberAsync();
        var response = await buyer.Client.PostAsJsonAsync($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId });
        if ((int)response.StatusCode == 503)
        {
            // Stripe did not answer: the seat is held all the same, and the problem says which registration.
            var problem = await Expect.ProblemAsync(response, 503, "payment.unavailable");
            return new Held(e.Id, buyer, problem.GetProperty("registrationId").GetGuid(), null, null, problem.GetProperty("holdExpiresAt").GetDateTimeOffset());
        }
        var hold = await response.ReadAsync<RegistrationView>(202);
        var url = hold.CheckoutUrl;
        return new Held(e.Id, buyer, hold.Id, url?.Split('/')[^1], url, hold.HoldExpiresAt!.Value);
    }

    private Task<HttpResponseMessage> DeliverAsync(Held h, string type, string paymentStatus = "paid")
        => api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), type, h.Session!, h.Id.ToString(), paymentStatus);

    private async Task<string> PageAsync(string pathAndQuery, int status = 200)
    {
        var response = await api.CreateClient().GetAsync(pathAndQuery);
        await Expect.StatusAsync(response, status);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Opens an absolute link (on the public address) as a browser would, without following a redirect.</summary>
    private Task<HttpResponseMessage> OpenAsync(string link)
        => api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync(new Uri(link).PathAndQuery);

    private string PayLink(Guid registrationId)
        => CheckoutPages.PayLink(api.Services.GetRequiredService<IDataProtectionProvider>(), api.Services.GetRequiredService<PublicLinks>(), registrationId);

    private static string Deadline(Held h, PreferredLanguage language) => EventMail.When(h.HoldExpiresAt, "Asia/Tokyo", language);

    private async Task<string> HoldMailAsync(string to)
    {
        await Notifier.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow, CancellationToken.None);
        return await api.DbAsync(db => db.OutboxEmails.Where(m => m.To == to && m.Subject.Contains("お支払いをお待ちしています")).Select(m => m.TextBody).SingleAsync());
    }

    private static string PayLinkIn(string text) => Regex.Match(text, @"https?://\S+/checkout/pay\?token=\S+").Value;

    [Fact]
    public async Task The_success_page_says_we_are_confirming_until_the_signed_webhook_then_registered()
    {
        var h = await HoldAsync();
        var response = await api.CreateClient().GetAsync($"/checkout/success?session_id={h.Session}");
        await Expect.StatusAsync(response, 200);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        var confirming = await response.Content.ReadAsStringAsync();
        Assert.Contains("お支払いを確認しています", confirming);
        Assert.Contains("We're confirming your payment", confirming);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"5\">", confirming);

        await Expect.StatusAsync(await DeliverAsync(h, "checkout.session.completed"), 200);
        var registered = await PageAsync($"/checkout/success?session_id={h.Session}");
        Assert.Contains("参加が確定しました", registered);
        Assert.True(registered.IndexOf("参加が確定しました", StringComparison.Ordinal) < registered.IndexOf("You're registered", StringComparison.Ordinal));
        Assert.DoesNotContain("http-equiv=\"refresh\"", registered);
        Assert.Contains(EncodedTitle, registered);
        Assert.DoesNotContain(Title, registered);
        Assert.Contains($"<a href=\"{ApiFactory.PublicBaseUrl}/api/events/{h.EventId}\">", registered);
        Assert.DoesNotContain(h.Buyer.Email, registered);
    }

    [Fact]
    public async Task A_konbini_payment_is_awaited_until_its_deadline_in_the_event_time_zone()
    {
        var h = await HoldAsync();
        await Expect.StatusAsync(await DeliverAsync(h, "checkout.session.completed", "unpaid"), 200);
        // The seat now waits for the shop payment: the hold reaches the voucher's deadline, days away.
        h = h with { HoldExpiresAt = (await api.DbAsync(db => db.Registrations.Where(r => r.Id == h.Id).Select(r => r.HoldExpiresAt).SingleAsync()))!.Value };
        Assert.True(h.HoldExpiresAt > DateTimeOffset.UtcNow.AddDays(3));
        var page = await PageAsync($"/checkout/success?session_id={h.Session}");
        Assert.Contains("コンビニ", page);
        Assert.Contains("convenience store", page);
        Assert.Contains(Deadline(h, PreferredLanguage.Ja), page);
        Assert.Contains(Deadline(h, PreferredLanguage.En), page);
        Assert.DoesNotContain("http-equiv=\"refresh\"", page);

        // The pay link has no session to open meanwhile: it shows the same page.
        var viaLink = await OpenAsync(PayLink(h.Id));
        await Expect.StatusAsync(viaLink, 200);
        Assert.Contains(Deadline(h, PreferredLanguage.Ja), await viaLink.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task After_an_expired_session_the_success_page_says_the_seat_was_released()
    {
        var h = await HoldAsync();
        await Expect.StatusAsync(await DeliverAsync(h, "checkout.session.expired", "unpaid"), 200);
        var page = await PageAsync($"/checkout/success?session_id={h.Session}");
        Assert.Contains("お取り置きは終了しました", page);
        Assert.Contains("the seat was released", page);
        Assert.Contains(EncodedTitle, page);
    }

    [Theory]
    [InlineData("/checkout/success?session_id=cs_test_unknown")]
    [InlineData("/checkout/success")]
    [InlineData("/checkout/success?session_id=")]
    [InlineData("/checkout/success?session_id=%7BCHECKOUT_SESSION_ID%7D")]
    [InlineData("/checkout/success?session_id=x%27%20OR%20%271%27%3D%271")]
    [InlineData("/checkout/cancel?registration=not-a-guid")]
    [InlineData("/checkout/cancel")]
    [InlineData("/checkout/cancel?registration=0190c5b2-0000-7000-8000-000000000000")]
    [InlineData("/checkout/pay")]
    [InlineData("/checkout/pay?token=garbage")]
    public async Task Unknown_or_missing_keys_answer_the_not_found_page(string pathAndQuery)
    {
        var page = await PageAsync(pathAndQuery, 404);
        Assert.Contains("見つかりません", page);
        Assert.Contains("Not found", page);
    }

    [Fact]
    public async Task The_cancel_page_keeps_the_way_back_to_payment_while_the_hold_lasts()
    {
        var h = await HoldAsync();
        var held = await PageAsync($"/checkout/cancel?registration={h.Id}");
        Assert.Contains("お支払いは完了していません", held);
        Assert.Contains("Payment not completed", held);
        Assert.Contains(Deadline(h, PreferredLanguage.Ja), held);
        Assert.Contains(Deadline(h, PreferredLanguage.En), held);
        var back = WebUtility.HtmlDecode(Regex.Match(held, "<a href=\"([^\"]+)\">お支払いに戻る / Return to payment</a>").Groups[1].Value);
        Assert.StartsWith($"{ApiFactory.PublicBaseUrl}/checkout/pay?token=", back);
        var again = await OpenAsync(back);
        await Expect.StatusAsync(again, 303);
        Assert.Equal(h.CheckoutUrl, again.Headers.Location?.ToString());

        await Expect.StatusAsync(await DeliverAsync(h, "checkout.session.expired", "unpaid"), 200);
        var ended = await PageAsync($"/checkout/cancel?registration={h.Id}");
        Assert.Contains("お支払いは完了していません", ended);
        Assert.Contains("the seat was released", ended);
        Assert.DoesNotContain("/checkout/pay", ended);
    }

    [Fact]
    public async Task The_awaiting_payment_mail_has_the_deadline_and_a_pay_link_to_the_same_session_every_time()
    {
        var h = await HoldAsync();
        var mail = await HoldMailAsync(h.Buyer.Email);
        Assert.Contains(Deadline(h, PreferredLanguage.Ja), mail);
        var link = PayLinkIn(mail);
        Assert.StartsWith($"{ApiFactory.PublicBaseUrl}/checkout/pay?token=", link);

        for (var i = 0; i < 2; i++)
        {
            var response = await OpenAsync(link);
            await Expect.StatusAsync(response, 303);
            Assert.Equal(h.CheckoutUrl, response.Headers.Location?.ToString());
        }
        Assert.Single(api.Stripe.Requests, r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(h.Id.ToString()));
    }

    [Fact]
    public async Task An_approved_paid_application_is_mailed_a_pay_link_that_creates_its_checkout()
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(priceYen: 3000);
        body["requiresApproval"] = true;
        var e = await EventsFactory.CreateEventAsync(organizer, body);
        var applicant = await api.MemberAsync();
        var application = await applicant.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        var id = application.Id.ToString();
        var approved = await organizer.Client.PostAsync<RegistrationView>($"/api/registrations/{id}/approve", null);
        Assert.Equal(RegistrationStatus.PendingPayment, approved.Status);

        // Made from the approval's notice; the application's own mail had nothing to pay yet.
        var link = PayLinkIn(await HoldMailAsync(applicant.Email));
        Assert.StartsWith($"{ApiFactory.PublicBaseUrl}/checkout/pay?token=", link);
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.To == applicant.Email && m.TextBody.Contains("/checkout/pay?token="))));
        Assert.DoesNotContain(api.Stripe.Requests, r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id));

        var response = await OpenAsync(link);
        await Expect.StatusAsync(response, 303);
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", response.Headers.Location?.ToString());
        Assert.Single(api.Stripe.Requests, r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(id));
    }

    [Fact]
    public async Task A_tampered_or_borrowed_token_is_the_not_found_page_and_opens_nothing()
    {
        var h = await HoldAsync();
        var token = Uri.UnescapeDataString(new Uri(PayLink(h.Id)).Query["?token=".Length..]);
        var tampered = token[..40] + (token[40] == 'A' ? 'B' : 'A') + token[41..];
        // An unsubscribe token protects an id just the same, under another purpose.
        var borrowed = Unsubscribe.Token(api.Services.GetRequiredService<IDataProtectionProvider>(), h.Id);
        foreach (var wrong in new[] { tampered, borrowed, token[..^4] })
        {
            var page = await PageAsync($"/checkout/pay?token={Uri.EscapeDataString(wrong)}", 404);
            Assert.Contains("見つかりません", page);
        }
        Assert.Single(api.Stripe.Requests, r => r.Path == "/v1/checkout/sessions" && r.Body.Contains(h.Id.ToString()));
    }

    [Fact]
    public async Task A_pay_link_after_the_hold_ended_is_gone_and_after_payment_says_registered()
    {
        var ended = await HoldAsync();
        await Expect.StatusAsync(await DeliverAsync(ended, "checkout.session.expired", "unpaid"), 200);
        var gone = await OpenAsync(PayLink(ended.Id));
        await Expect.StatusAsync(gone, 410);
        Assert.Contains("お取り置きは終了しました", await gone.Content.ReadAsStringAsync());

        var paid = await HoldAsync();
        await Expect.StatusAsync(await DeliverAsync(paid, "checkout.session.completed"), 200);
        var registered = await OpenAsync(PayLink(paid.Id));
        await Expect.StatusAsync(registered, 200);
        Assert.Contains("参加が確定しました", await registered.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task When_stripe_cannot_be_reached_the_pay_link_says_the_seat_is_held_and_works_later()
    {
        // Stripe down (503s before its idempotency layer, each retried by Stripe.net): 3 per checkout call.
        foreach (var _ in Enumerable.Range(0, 3)) api.Stripe.Failures.Enqueue(503);
        var h = await HoldAsync();
        Assert.Null(h.CheckoutUrl);
        var link = PayLink(h.Id);

        foreach (var _ in Enumerable.Range(0, 3)) api.Stripe.Failures.Enqueue(503);
        var down = await OpenAsync(link);
        await Expect.StatusAsync(down, 503);
        var page = await down.Content.ReadAsStringAsync();
        Assert.Contains(Deadline(h, PreferredLanguage.Ja), page);
        Assert.Contains("try again shortly", page);
        Assert.Equal(RegistrationStatus.PendingPayment, await api.RegistrationStatusAsync(h.Id));

        var up = await OpenAsync(link);
        await Expect.StatusAsync(up, 303);
        Assert.StartsWith("https://checkout.stripe.test/c/pay/cs_test_", up.Headers.Location?.ToString());
    }
}
