using System.Net.Http.Json;
using Assemble.Api.Features.Receipts;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Memberships;
using Assemble.Domain.Receipts;
using Assemble.Api.Features.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The fake Stripe, with an issuer registered for qualified invoices.</summary>
public sealed class RegisteredPaymentsFactory : PaymentsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Receipts:RegistrationNumber"] = "T7010705000725",
        ["Receipts:IssuerName"] = "一般社団法人 対人支援職協会",
        ["Receipts:IssuerAddress"] = "東京都千代田区神田1-1-1",
    };
}

/// <summary>A ticket paid through Checkout gets its receipt when the payment settles; a refund its return invoice.</summary>
public sealed class TicketReceiptTests(RegisteredPaymentsFactory api, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<RegisteredPaymentsFactory>
{
    private static DateOnly Today => MembershipPayment.DayInJapan(DateTimeOffset.UtcNow);

    private async Task<(EventsFactory.CreatedEvent Event, TestMember Organizer)> SeminarAsync(int price, string tax = "standard", string title = "トラウマ臨床の基礎 勉強会")
    {
        var organizer = await api.OrganizerAsync();
        var body = EventsFactory.StudySession(capacity: 40);
        body["title"] = title;
        body["ticketTypes"] = new object[] { new Dictionary<string, object?> { ["name"] = "一般", ["priceYen"] = price, ["tax"] = tax } };
        return (await EventsFactory.CreateEventAsync(organizer, body), organizer);
    }

    private async Task<(TestMember Buyer, Guid RegistrationId)> PaidAsync(EventsFactory.CreatedEvent e, int webhooks = 1)
    {
        var buyer = await api.MemberAsync();
        var hold = await buyer.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        for (var i = 0; i < webhooks; i++)
            await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", hold.CheckoutUrl!.Split('/')[^1], hold.Id), 200);
        return (buyer, hold.Id);
    }

    [Fact]
    public async Task A_paid_3300_yen_ticket_gets_one_qualified_invoice_however_often_Stripe_reports_it()
    {
        var (e, _) = await SeminarAsync(3_300);
        var (buyer, registrationId) = await PaidAsync(e, webhooks: 3);

        var receipt = Assert.Single(await buyer.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
        // An admin looking first fixes nothing: the payer may still rename it in place.
        var admin = await api.AdminAsync();
        Assert.Equal("application/pdf", (await admin.Client.GetAsync($"/api/receipts/{receipt.Id}.pdf")).Content.Headers.ContentType?.MediaType);
        Assert.False(await api.DbAsync(db => db.ReceiptDocuments.AnyAsync(d => d.ReceiptId == receipt.Id)));
        await Expect.StatusAsync(await buyer.Client.PutAsJsonAsync($"/api/receipts/{receipt.Id}/addressee", new { addressee = "医療法人 ひかり会" }), 200);
        var paymentId = (await api.PaymentOfAsync(registrationId)).Id;
        Assert.Equal(paymentId, await api.DbAsync(db => db.Receipts.Where(r => r.Id == receipt.Id).Select(r => r.PaymentId).SingleAsync()));
        Assert.Equal((ReceiptKind.Sale, true, "T7010705000725", Today, 3_300), (receipt.Kind, receipt.Qualified, receipt.Issuer.RegistrationNumber, receipt.TransactionOn, receipt.TotalYen));
        Assert.Matches($"^{Today.Year}-\\d{{6}}$", receipt.Number);
        var item = Assert.Single(receipt.Items);
        Assert.StartsWith("トラウマ臨床の基礎 勉強会（一般）", item.Description);
        Assert.Equal(new TaxLine(TaxCategory.Standard, 3_300, 300), Assert.Single(receipt.Taxes));
        Assert.Equal(10, receipt.Taxes[0].RatePercent);

        // A stranger, even one who paid for the same event, gets 404.
        var (other, _) = await PaidAsync(e);
        await Expect.ProblemAsync(await other.Client.GetAsync($"/api/receipts/{receipt.Id}"), 404, "receipt.not_found");
    }

    [Fact]
    public async Task A_ticket_paid_late_at_night_and_reported_the_next_day_is_dated_the_day_it_was_paid()
    {
        var (e, _) = await SeminarAsync(3_300);
        var buyer = await api.MemberAsync();
        var hold = await buyer.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        // The hold began yesterday evening and was paid then; Stripe's delivery finally arrives today, signed now.
        await api.DbAsync(db => db.Payments.Where(p => p.RegistrationId == hold.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, p => p.CreatedAt.AddHours(-27))));
        var paidAt = DateTimeOffset.UtcNow.AddHours(-26);
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", hold.CheckoutUrl!.Split('/')[^1], hold.Id, created: paidAt), 200);
        var receipt = Assert.Single(await buyer.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
        Assert.Equal(MembershipPayment.DayInJapan(paidAt), receipt.TransactionOn);
        Assert.NotEqual(Today, receipt.TransactionOn);
        Assert.Equal(paidAt.ToUnixTimeSeconds(), (await api.PaymentOfAsync(hold.Id)).PaidAt!.Value.ToUnixTimeSeconds());
    }

    /// <summary>The PDF's text as PdfPig reads it back, one line per line of the page (words in reading order).</summary>
    public static string TextOf(byte[] pdf)
    {
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        var page = Assert.Single(document.GetPages());
        return string.Join("\n", page.GetWords()
            .GroupBy(w => Math.Round(w.BoundingBox.Bottom))
            .OrderByDescending(line => line.Key)
            .Select(line => string.Join(" ", line.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text))));
    }

    [Fact]
    public async Task The_qualified_invoice_PDF_carries_what_the_law_asks_is_kept_as_first_made_and_a_later_addressee_is_a_reissue()
    {
        var (e, _) = await SeminarAsync(3_300, title: "ライブスーパーヴィジョン 事例検討会");
        var (buyer, _) = await PaidAsync(e);
        var receipt = Assert.Single(await buyer.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
        await Expect.StatusAsync(await buyer.Client.PutAsJsonAsync($"/api/receipts/{receipt.Id}/addressee", new { addressee = "医療法人 さくら会" }), 200);

        var response = await buyer.Client.GetAsync($"/api/receipts/{receipt.Id}.pdf");
        await Expect.StatusAsync(response, 200);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf));
        Assert.Equal($"\"{sha}\"", response.Headers.ETag?.Tag);
        Assert.Equal(sha, await api.DbAsync(db => db.ReceiptDocuments.Where(d => d.ReceiptId == receipt.Id).Select(d => d.Sha256).SingleAsync()));

        var text = TextOf(pdf);
        output.WriteLine(text);
        foreach (var expected in new[]
                 {
                     "領収書（適格請求書）", $"No. {receipt.Number}", "医療法人 さくら会 様", "¥3,300（税込）", $"取引年月日: {Today.Year}年{Today.Month}月{Today.Day}日",
                     "ライブスーパーヴィジョン 事例検討会（一般）", "10%対象 ¥3,300（うち消費税 ¥300）", "一般社団法人 対人支援職協会", "登録番号: T7010705000725",
                 })
            Assert.Contains(expected, text);

        // Kept as first made: the same bytes again, and the addressee is fixed from now on.
        Assert.Equal(pdf, await buyer.Client.GetByteArrayAsync($"/api/receipts/{receipt.Id}.pdf"));
        var reissue = await (await buyer.Client.PutAsJsonAsync($"/api/receipts/{receipt.Id}/addressee", new { addressee = "株式会社 みなと心理" }))
            .ReadAsync<Receipts.ReceiptView>(201);
        Assert.Equal(pdf, await buyer.Client.GetByteArrayAsync($"/api/receipts/{receipt.Id}.pdf"));
        var reissued = TextOf(await buyer.Client.GetByteArrayAsync($"/api/receipts/{reissue.Id}.pdf"));
        Assert.Contains("領収書（適格請求書）（再発行）", reissued);
        Assert.Contains($"原本 No. {receipt.Number}", reissued);
        Assert.Contains("株式会社 みなと心理 様", reissued);

        // Nobody else reads it, and PostgreSQL refuses to change or delete what was issued.
        var stranger = await api.MemberAsync();
        await Expect.ProblemAsync(await stranger.Client.GetAsync($"/api/receipts/{receipt.Id}.pdf"), 404, "receipt.not_found");
        var admin = await api.AdminAsync();
        Assert.Equal(pdf, await admin.Client.GetByteArrayAsync($"/api/receipts/{receipt.Id}.pdf"));
        var (_, otherRegistration) = await PaidAsync(e);
        var undownloaded = await api.DbAsync(db => db.Payments.Where(p => p.RegistrationId == otherRegistration).Join(db.Receipts, p => p.Id, r => r.PaymentId, (p, r) => r.Id).SingleAsync());
        foreach (var sql in new[]
                 {
                     $"UPDATE receipts SET addressee = 'x' WHERE id = '{receipt.Id}'", $"UPDATE receipts SET total_yen = 1 WHERE id = '{undownloaded}'",
                     $"DELETE FROM receipts WHERE id = '{undownloaded}'",
                     $"UPDATE receipt_documents SET pdf = '\\x00' WHERE receipt_id = '{receipt.Id}'", $"DELETE FROM receipt_documents WHERE receipt_id = '{receipt.Id}'",
                 })
            Assert.Equal("23000", (await Assert.ThrowsAsync<Npgsql.PostgresException>(() => api.ScalarAsync(sql))).SqlState);
    }

    [Fact]
    public async Task The_confirmation_by_payment_mails_a_signed_link_that_opens_the_receipt_without_signing_in()
    {
        var (e, _) = await SeminarAsync(3_300);
        var (buyer, _) = await PaidAsync(e);
        await Notifier.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow, CancellationToken.None);
        var body = await api.DbAsync(db => db.OutboxEmails.Where(o => o.To == buyer.Email && o.Subject.Contains("お申込みが確定しました")).Select(o => o.TextBody).SingleAsync());
        var link = System.Text.RegularExpressions.Regex.Match(body, @"領収書（PDF）: (\S+)").Groups[1].Value;
        Assert.StartsWith($"{ApiFactory.PublicBaseUrl}/receipts/download?token=", link);

        // The GET (which mail scanners make) shows a button and fixes nothing; the button's POST hands the PDF over.
        var receipt = Assert.Single(await buyer.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
        var anonymous = api.CreateClient();
        var page = await anonymous.GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync());
        Assert.False(await api.DbAsync(db => db.ReceiptDocuments.AnyAsync(d => d.ReceiptId == receipt.Id)));
        var posted = await anonymous.PostAsync(new Uri(link).PathAndQuery, null);
        await Expect.StatusAsync(posted, 200);
        var pdf = await posted.Content.ReadAsByteArrayAsync();
        Assert.Equal(pdf, await buyer.Client.GetByteArrayAsync($"/api/receipts/{receipt.Id}.pdf"));
        Assert.Contains($"No. {receipt.Number}", TextOf(pdf));

        var token = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["token"]!;
        var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        await Expect.ProblemAsync(await anonymous.PostAsync($"/receipts/download?token={Uri.EscapeDataString(tampered)}", null), 404, "receipt.not_found");
        await Expect.ProblemAsync(await anonymous.PostAsync("/receipts/download", null), 404, "receipt.not_found");
        await Expect.StatusAsync(await anonymous.GetAsync($"/receipts/download?token={Uri.EscapeDataString(tampered)}"), 404);
    }

    [Fact]
    public async Task Thirty_payments_settled_at_once_on_two_events_get_thirty_consecutive_numbers()
    {
        var (first, _) = await SeminarAsync(3_000);
        var (second, _) = await SeminarAsync(4_000);
        var members = await api.MembersAsync(30);
        var holds = new List<RegistrationView>();
        for (var i = 0; i < members.Count; i++)
        {
            var e = i % 2 == 0 ? first : second;
            holds.Add(await members[i].Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202));
        }
        var before = await api.DbAsync(db => db.Receipts.Where(r => r.Year == Today.Year).Select(r => (int?)r.Sequence).MaxAsync()) ?? 0;

        var answers = await Task.WhenAll(holds.Select(h =>
            api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", h.CheckoutUrl!.Split('/')[^1], h.Id)));
        Assert.All(answers, a => Assert.Equal(200, (int)a.StatusCode));

        var ids = members.Select(m => m.Id).ToList();
        var numbers = await api.DbAsync(db => db.Receipts.Where(r => ids.Contains(r.PayerId)).Select(r => r.Sequence).OrderBy(s => s).ToListAsync());
        Assert.Equal(Enumerable.Range(before + 1, 30), numbers);
    }

    [Fact]
    public async Task A_ticket_the_organizer_marks_exempt_has_no_tax_on_its_receipt()
    {
        var (e, _) = await SeminarAsync(2_000, tax: "exempt");
        var (buyer, _) = await PaidAsync(e);
        var receipt = Assert.Single(await buyer.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
        Assert.Equal(new TaxLine(TaxCategory.Exempt, 2_000, 0), Assert.Single(receipt.Taxes));
        Assert.Equal(0, receipt.Taxes[0].RatePercent);
    }

    [Fact]
    public async Task A_refund_at_the_threshold_gets_one_return_invoice_and_one_below_it_none()
    {
        var (e, organizer) = await SeminarAsync(12_000, title: "スーパーヴィジョン研修（終日）");
        var (full, fullId) = await PaidAsync(e);
        var (part, partId) = await PaidAsync(e);
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{fullId}/refunds", new { amountYen = 10_000 }), 201);
        await Expect.StatusAsync(await organizer.Client.PostAsJsonAsync($"/api/registrations/{partId}/refunds", new { amountYen = 9_999 }), 201);
        await api.RunPaymentJobsAsync();
        await api.RunPaymentJobsAsync();

        var fullReceipts = await full.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts");
        var sale = Assert.Single(fullReceipts, r => r.Kind == ReceiptKind.Sale);
        var returned = Assert.Single(fullReceipts, r => r.Kind == ReceiptKind.Return);
        Assert.Equal((Today, (DateOnly?)sale.TransactionOn, 10_000, true), (returned.TransactionOn, returned.OriginalSaleOn, returned.TotalYen, returned.Qualified));
        Assert.Equal(new TaxLine(TaxCategory.Standard, 10_000, 909), Assert.Single(returned.Taxes));
        Assert.StartsWith("返金: スーパーヴィジョン研修（終日）（一般）", Assert.Single(returned.Items).Description);
        Assert.Equal(sale.Addressee, returned.Addressee);
        Assert.NotEqual(sale.Number, returned.Number);
        var text = TextOf(await full.Client.GetByteArrayAsync($"/api/receipts/{returned.Id}.pdf"));
        foreach (var expected in new[]
                 {
                     "適格返還請求書", $"No. {returned.Number}", "返還額 ¥10,000（税込）", $"返還年月日: {Today.Year}年{Today.Month}月{Today.Day}日",
                     $"元の取引年月日: {sale.TransactionOn.Year}年{sale.TransactionOn.Month}月{sale.TransactionOn.Day}日", "10%対象 ¥10,000（うち消費税 ¥909）",
                     "登録番号: T7010705000725",
                 })
            Assert.Contains(expected, text);

        Assert.Equal([ReceiptKind.Sale], (await part.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts")).Select(r => r.Kind));

        // The refund-completed mail hands the return invoice over; below the threshold there is none to hand.
        await Notifier.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow, CancellationToken.None);
        Task<string> RefundMail(TestMember m) => api.DbAsync(db => db.OutboxEmails.Where(o => o.To == m.Email && o.Subject.Contains("返金が完了しました")).Select(o => o.TextBody).SingleAsync());
        Assert.Contains("領収書（PDF）: ", await RefundMail(full));
        Assert.DoesNotContain("領収書（PDF）", await RefundMail(part));
    }
}

/// <summary>An association not registered for qualified invoices issues plain receipts.</summary>
public sealed class PlainTicketReceiptTests(PaymentsFactory api) : IClassFixture<PaymentsFactory>
{
    [Fact]
    public async Task Without_a_registration_number_the_PDF_is_a_plain_receipt()
    {
        var organizer = await api.OrganizerAsync();
        var e = await EventsFactory.CreateEventAsync(organizer, EventsFactory.StudySession(priceYen: 3_300));
        var buyer = await api.MemberAsync();
        var hold = await buyer.Client.PostAsync<RegistrationView>($"/api/events/{e.Id}/registrations", new { ticketTypeId = e.TicketTypeId }, 202);
        await Expect.StatusAsync(await api.DeliverAsync("evt_" + Guid.NewGuid().ToString("N"), "checkout.session.completed", hold.CheckoutUrl!.Split('/')[^1], hold.Id), 200);

        var receipt = Assert.Single(await buyer.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
        Assert.False(receipt.Qualified);
        var text = TicketReceiptTests.TextOf(await buyer.Client.GetByteArrayAsync($"/api/receipts/{receipt.Id}.pdf"));
        Assert.StartsWith("領収書", text);
        Assert.DoesNotContain("適格", text.Replace("適格請求書発行事業者の登録はありません", ""));
        Assert.DoesNotContain("登録番号: T", text);
        Assert.Contains("10%対象 ¥3,300（うち消費税 ¥300）", text);
    }
}

/// <summary>A server without its receipt font answers 503 for the PDF and changes nothing.</summary>
public sealed class MissingReceiptFontTests(MissingReceiptFontTests.Factory api) : IClassFixture<MissingReceiptFontTests.Factory>
{
    public sealed class Factory : EventsFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Receipts:FontPath"] = "fonts/missing/ipaexg.ttf" };
    }

    [Fact]
    public async Task Without_the_font_the_PDF_is_503_and_the_receipt_stays_as_it_was()
    {
        var admin = await api.AdminAsync();
        var code = "plan-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<Api.Features.Memberships.MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "一般会員", priceYen = 5_000, professions = Array.Empty<string>(), validity = "twelveMonths", tax = "outOfScope", offered = true }, 201);
        var member = await api.MemberAsync();
        await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{member.Id}/membership/payments",
            new { planCode = code, paidOn = MembershipPayment.DayInJapan(DateTimeOffset.UtcNow), amountYen = 5_000 }), 201);
        var receipt = Assert.Single(await member.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));

        await Expect.ProblemAsync(await member.Client.GetAsync($"/api/receipts/{receipt.Id}.pdf"), 503, "receipt.pdf_unavailable");
        Assert.False(await api.DbAsync(db => db.ReceiptDocuments.AnyAsync(d => d.ReceiptId == receipt.Id)));
        // Not downloaded: the addressee still changes in place, without a reissue.
        await Expect.StatusAsync(await member.Client.PutAsJsonAsync($"/api/receipts/{receipt.Id}/addressee", new { addressee = "株式会社 みなと心理" }), 200);
    }
}
