using System.Net;
using Assemble.Api.Features.Email;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Domain.Payments;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Assemble.Api.Common;
using Assemble.Api.Common.OpenApi;
using static Assemble.Api.Common.HtmlPages;

namespace Assemble.Api.Features.Payments;

/// <summary>
/// The pages a buyer's browser lands on around Stripe Checkout, without signing in: Stripe's return pages
/// (<c>success_url</c>, <c>cancel_url</c>) and the signed pay link of the "awaiting payment" mail. The session id,
/// the registration id or the token is the only key; a page says where the registration stands and names the event,
/// never a person. Only the webhook confirms a seat: these pages read (the pay link may create the Checkout Session).
/// </summary>
public static class CheckoutPages
{
    private const string PayPurpose = "Assemble.Checkout.Pay.v1";
    private const string PayRoute = "/checkout/pay";

    /// <summary>Longer than any hold (at most a day): within it an ended hold says so; after it the link is simply not valid.</summary>
    public static readonly TimeSpan PayLinkLifetime = TimeSpan.FromDays(3);

    /// <summary>The absolute, signed link that opens (or reopens) the Checkout Session of this held registration.</summary>
    public static string PayLink(IDataProtectionProvider protection, PublicLinks links, Guid registrationId)
        => PayLink(links, SignedIds.Sign(protection, PayPurpose, registrationId, PayLinkLifetime));

    private static string PayLink(PublicLinks links, string token) => links.To($"{PayRoute}?token={Uri.EscapeDataString(token)}");

    public static void MapCheckoutPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/checkout").WithTags("Payments").AllowAnonymous();

        pages.MapGet("/success", async ([FromQuery(Name = "session_id")] string? sessionId, AppDbContext db, PublicLinks links, CancellationToken ct) =>
            {
                if (string.IsNullOrEmpty(sessionId)) return NotFound();
                var standing = await StandingAsync(db, db.Registrations.Where(r => db.Payments.Any(p => p.RegistrationId == r.Id && p.CheckoutSessionId == sessionId)), ct);
                if (standing is not null) return Show(standing, links);
                var dues = await DuesAsync(db, p => p.CheckoutSessionId == sessionId, ct);
                return dues is null ? NotFound() : ShowDues(dues);
            })
            .WithName("ShowCheckoutSuccessPage").WithSummary("Show the page after a successful payment").ProducesText("text/html").ProducesText("text/html", 404)
            .WithDescription("Stripe's success_url: where the registration stands (confirmed, still being confirmed, awaiting a konbini payment, or released), or the payment of dues. HTML.");

        pages.MapGet("/cancel", async (string? registration, string? dues, AppDbContext db, IDataProtectionProvider protection, PublicLinks links, TimeProvider time, CancellationToken ct) =>
            {
                if (Guid.TryParse(dues, out var duesId))
                    return await DuesAsync(db, p => p.Id == duesId, ct) is { } payment ? ShowDues(payment, cancelled: true) : NotFound();
                if (!Guid.TryParse(registration, out var id)) return NotFound();
                var standing = await StandingAsync(db, db.Registrations.Where(r => r.Id == id), ct);
                if (standing is null) return NotFound();
                if (standing.Status == RegistrationStatus.Confirmed) return Show(standing, links);
                var stillHeld = standing.HoldOpen(time.GetUtcNow())
                    ? $"""
                       <p>お席は {Deadline(standing, PreferredLanguage.Ja)} まで確保しています。期限までにお支払いください。<br>Your seat is held until {Deadline(standing, PreferredLanguage.En)}. Please pay before then.</p>
                       <p><a href="{WebUtility.HtmlEncode(PayLink(protection, links, id))}">お支払いに戻る / Return to payment</a></p>
                       """
                    : Released;
                return Page("お支払いは完了していません", "Payment not completed", stillHeld + About(standing, links));
            })
            .WithName("ShowCheckoutCancelPage").WithSummary("Show the page after a cancelled payment").ProducesText("text/html").ProducesText("text/html", 404)
            .WithDescription("Stripe's cancel_url: whether the seat is still held (with the way back to payment) or the hold has ended; for dues, that nothing was charged. HTML.");

        pages.MapGet("/pay", async (string? token, AppDbContext db, IDataProtectionProvider protection, PublicLinks links, StartCheckout.Handler checkout,
                TimeProvider time, CancellationToken ct) =>
            {
                if (RegistrationOf(protection, token) is not { } id) return NotFound();
                var standing = await StandingAsync(db, db.Registrations.Where(r => r.Id == id), ct);
                if (standing is null) return NotFound();
                if (standing.Status == RegistrationStatus.Confirmed) return Show(standing, links);
                // 410: the link was good, but what it paid for is gone for good (a new registration needs a new link).
                if (!standing.HoldOpen(time.GetUtcNow())) return Page("お取り置きは終了しました", "The hold has ended", Released + About(standing, links), 410);
                if (standing.Payment == PaymentStatus.AwaitingAsyncPayment) return Show(standing, links);
                var payment = await checkout.HandleAsync(id, ct);
                if (payment.IsSuccess && payment.Value!.Status == PaymentStatus.CheckoutOpen && payment.Value.CheckoutUrl is { } url) return new SeeOther(url);
                // Stripe unreachable (or the payment moved on in between): the hold stands, and the same link tries again.
                return Page("お支払い画面を開けませんでした", "The payment page could not be opened",
                    $"""
                     <p>お席は {Deadline(standing, PreferredLanguage.Ja)} まで確保しています。しばらくしてからもう一度お試しください。<br>Your seat is still held until {Deadline(standing, PreferredLanguage.En)}. Please try again shortly.</p>
                     <p><a href="{WebUtility.HtmlEncode(PayLink(links, token!))}">もう一度試す / Try again</a></p>
                     """ + About(standing, links), 503);
            })
            .WithName("OpenCheckoutFromPayLink").WithSummary("Open Checkout from a mailed pay link").Produces(303).ProducesText("text/html").ProducesText("text/html", 404)
            .ProducesText("text/html", 410).ProducesText("text/html", 503)
            .WithDescription("The signed pay link of the awaiting-payment mail: 303 to the Checkout Session while the seat is held (the same session every time); "
                + "a page when the registration is confirmed or awaiting a konbini payment (200), when the hold has ended (410), or when Stripe cannot be reached (503).");
    }

    /// <summary>Where one registration stands, with its payment (if any) and the event's title and time zone: no personal data.</summary>
    private sealed record Standing(RegistrationStatus Status, DateTimeOffset? HoldExpiresAt, PaymentStatus? Payment, bool RefundDue, Guid EventId, string Title, string TimeZone)
    {
        public bool HoldOpen(DateTimeOffset now) => Status == RegistrationStatus.PendingPayment && HoldExpiresAt > now;
    }

    /// <summary>One query: the registration (at most one) with its payment and its event.</summary>
    private static Task<Standing?> StandingAsync(AppDbContext db, IQueryable<Registration> registration, CancellationToken cancellationToken)
        => (from r in registration
            join e in db.Events on r.EventId equals e.Id
            from p in db.Payments.Where(p => p.RegistrationId == r.Id).DefaultIfEmpty()
            select new Standing(r.Status, r.HoldExpiresAt, p == null ? null : (PaymentStatus?)p.Status, p != null && p.RefundDue, e.Id, e.Title, e.TimeZone))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>The page for a registration as it stands (after Stripe sent the buyer back, or a pay link that has nothing to open).</summary>
    private static IResult Show(Standing s, PublicLinks links) => s switch
    {
        { Status: RegistrationStatus.Confirmed } => Page("参加が確定しました", "You're registered",
            "<p>お支払いを確認しました。チェックインコードを記載した確認メールをお送りします。<br>We received your payment. A confirmation mail with your check-in code is on its way.</p>" + About(s, links)),
        { Status: RegistrationStatus.PendingPayment, Payment: PaymentStatus.AwaitingAsyncPayment } => Page("お支払いをお待ちしています", "Waiting for your payment",
            $"<p>{Deadline(s, PreferredLanguage.Ja)} までにコンビニでお支払いください。お支払いの方法は、支払い画面と Stripe からのメールでご案内しています。お支払いが届くと参加が確定します。<br>"
            + $"Please pay at the convenience store by {Deadline(s, PreferredLanguage.En)}. How to pay is shown on the payment screen and in Stripe's mail. Your registration is confirmed once the payment arrives.</p>"
            + About(s, links)),
        // Stripe sent the buyer back before its webhook reached us: the page looks again by itself.
        { Status: RegistrationStatus.PendingPayment } => Page("お支払いを確認しています…", "We're confirming your payment",
            "<p>確認には少し時間がかかることがあります。このページは自動で更新されます。確定したらメールでもお知らせします。<br>This can take a moment; the page refreshes by itself, and we will mail you once it is confirmed.</p>"
            + About(s, links), refresh: true),
        { RefundDue: true } => Page("お席をご用意できませんでした", "We could not give you a seat",
            "<p>お支払いがお取り置き期限の後に届き、満席のためお席をご用意できませんでした。お支払いは全額返金いたします。<br>Your payment arrived after the hold ended and the event had filled up. It is being refunded in full.</p>"
            + About(s, links)),
        _ => Page("お取り置きは終了しました", "The hold has ended", Released + About(s, links)),
    };

    /// <summary>Where a payment of dues stands, with its plan's name: no personal data.</summary>
    private sealed record DuesStanding(PaymentStatus Status, string Plan, int AmountYen);

    private static Task<DuesStanding?> DuesAsync(AppDbContext db, System.Linq.Expressions.Expression<Func<Payment, bool>> which, CancellationToken cancellationToken)
        => db.Payments.Where(p => p.Purpose == PaymentPurpose.Dues).Where(which)
            .Join(db.MembershipPlans, p => p.PlanCode, plan => plan.Code, (p, plan) => new DuesStanding(p.Status, plan.Name, p.AmountYen))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>The page for dues after Checkout: paid (the receipt is mailed), being confirmed (looks again by itself), or not paid.</summary>
    private static IResult ShowDues(DuesStanding d, bool cancelled = false)
    {
        var what = $"<p>{WebUtility.HtmlEncode(d.Plan)} 年会費 / dues: ¥{d.AmountYen:N0}</p>";
        return d.Status switch
        {
            PaymentStatus.Paid => Page("年会費のお支払いを確認しました", "Your dues are paid",
                "<p>ありがとうございます。会員期間と領収書のリンクをメールでお送りします。<br>Thank you. We are mailing you your membership period and the link to your receipt.</p>" + what),
            PaymentStatus.AwaitingAsyncPayment => Page("お支払いをお待ちしています", "Waiting for your payment",
                "<p>期限までにコンビニでお支払いください。お支払いが届くと会員期間が記録されます。<br>Please pay at the convenience store by the voucher's deadline. Your membership is recorded once the payment arrives.</p>" + what),
            PaymentStatus.CheckoutOpen when cancelled => Page("お支払いは完了していません", "Payment not completed",
                "<p>請求は発生していません。もう一度お手続きいただくと、同じお支払い画面が開きます。<br>Nothing was charged. Start again to return to the same payment page.</p>" + what),
            PaymentStatus.CheckoutOpen or PaymentStatus.NeedsReview => Page("お支払いを確認しています…", "We're confirming your payment",
                "<p>確認には少し時間がかかることがあります。このページは自動で更新されます。確定したらメールでもお知らせします。<br>This can take a moment; the page refreshes by itself, and we will mail you once it is confirmed.</p>"
                + what, refresh: d.Status == PaymentStatus.CheckoutOpen),
            _ => Page("お支払いは完了しませんでした", "The payment was not completed",
                "<p>請求は発生していません。年会費をお支払いになる場合は、もう一度お手続きください。<br>Nothing was charged. To pay your dues, please start again.</p>" + what),
        };
    }

    private const string Released =
        "<p>お支払いが期限までに完了しなかったか、お申込みが取り消されたため、お席を解放しました。参加をご希望の場合は、もう一度お申し込みください。<br>"
        + "The payment was not completed in time or the registration was cancelled, so the seat was released. To attend, please register again.</p>";

    private static string Deadline(Standing s, PreferredLanguage language)
        => WebUtility.HtmlEncode(s.HoldExpiresAt is { } at ? EventMail.When(at, s.TimeZone, language) : "");

    /// <summary>The event's title and the one address there is for it (the API: there is no web front end yet).</summary>
    private static string About(Standing s, PublicLinks links)
        => $"""
            <p>イベント / Event: <strong>{WebUtility.HtmlEncode(s.Title)}</strong></p>
            <p><a href="{WebUtility.HtmlEncode(links.To($"/api/events/{s.EventId}"))}">イベント情報（JSON）/ Event details (JSON)</a></p>
            """;

    private static Guid? RegistrationOf(IDataProtectionProvider protection, string? token) => SignedIds.Read(protection, PayPurpose, token);

    private static IResult NotFound()
        => Page("見つかりません", "Not found", "<p>このリンクは無効か、期限が切れています。<br>This link is not valid, or it has expired.</p>", 404);

    /// <summary>303: the browser follows with a GET whatever it came with (the minimal API results offer 302/307 only).</summary>
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
