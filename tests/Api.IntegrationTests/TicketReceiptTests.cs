using System.Net.Http.Json;
using Assemble.Api.Features.Receipts;
using Assemble.Api.Features.Registrations;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Memberships;
using Assemble.Domain.Receipts;
using Microsoft.EntityFrameworkCore;
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
public sealed class TicketReceiptTests(RegisteredPaymentsFactory api) : IClassFixture<RegisteredPaymentsFactory>
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

        Assert.Equal([ReceiptKind.Sale], (await part.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts")).Select(r => r.Kind));
    }
}
