using System.Net;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Persistence.Configurations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Assemble.Api.Common.OpenApi;

namespace Assemble.Api.Features.Email;

/// <summary>
/// The unsubscribe link of mail a member may turn off (reminders and organizers' messages): a token protected
/// with Data Protection (shared by every instance) naming the member. Opening the link shows a page with one
/// button; the button, or a mail client's one-click POST (RFC 8058, from the List-Unsubscribe header), turns the
/// mail off without signing in. A GET changes nothing, so link scanners cannot unsubscribe anyone. Essential
/// mail (account, payment, cancellation) cannot be turned off.
/// </summary>
public static class Unsubscribe
{
    private const string Purpose = "Assemble.Unsubscribe.Reminders.v1";
    private const string Route = "/api/mail/unsubscribe";

    public static string Token(IDataProtectionProvider protection, Guid memberId)
        => protection.CreateProtector(Purpose).Protect(memberId.ToString("N"));

    /// <summary>The absolute, signed link for this member, used in the text and in List-Unsubscribe.</summary>
    public static string Link(IDataProtectionProvider protection, PublicLinks links, Guid memberId)
        => Link(links, Token(protection, memberId));

    private static string Link(PublicLinks links, string token) => links.To($"{Route}?token={Uri.EscapeDataString(token)}");

    public static void MapUnsubscribeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, (string? token, IDataProtectionProvider protection, PublicLinks links) =>
            {
                if (MemberOf(protection, token) is null) return Invalid();
                // Absolute on the public address, so the button works behind a proxy that serves the API under a path.
                var action = WebUtility.HtmlEncode(Link(links, token!));
                return Page(
                    $"""
                     <p>リマインドメールと主催者からのお知らせを停止しますか？<br>Stop reminders and messages from organizers?</p>
                     <form method="post" action="{action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">停止する / Stop</button></form>
                     <p>お申し込みや支払いに関する大切なメールは引き続き届きます。<br>Mail about your registrations and payments still arrives.</p>
                     """);
            })
            .WithTags("Members").WithName("ShowUnsubscribePage").WithSummary("Show the unsubscribe page").AllowAnonymous()
            .ProducesText("text/html").ProducesText("text/html", StatusCodes.Status400BadRequest)
            .WithDescription("The page an unsubscribe link opens: one button that stops non-essential mail. A GET changes nothing.");

        app.MapPost(Route, async (string? token, IDataProtectionProvider protection, AppDbContext db, CancellationToken ct) =>
            {
                if (MemberOf(protection, token) is not { } memberId) return Invalid();
                var p = await db.MailPreferences.SingleOrDefaultAsync(x => x.MemberId == memberId, ct);
                if (p is null && await db.Users.AnyAsync(u => u.Id == memberId, ct)) db.MailPreferences.Add(p = new MailPreference { MemberId = memberId });
                if (p is not null)
                {
                    p.Reminders = false;
                    await db.SaveChangesAsync(ct);
                }
                return Page("<p>リマインドメールと主催者からのお知らせを停止しました。<br>Reminders and messages from organizers are turned off.</p>");
            })
            .WithTags("Members").WithName("UnsubscribeFromReminders").WithSummary("Stop optional mail (one-click unsubscribe)").AllowAnonymous().DisableAntiforgery()
            .ProducesText("text/html").ProducesText("text/html", StatusCodes.Status400BadRequest)
            .WithDescription("One-click unsubscribe (RFC 8058): the token in the query is the authority; any body (List-Unsubscribe=One-Click) is accepted.");
    }

    private static Guid? MemberOf(IDataProtectionProvider protection, string? token)
    {
        try
        {
            return Guid.ParseExact(protection.CreateProtector(Purpose).Unprotect(token ?? ""), "N");
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static IResult Invalid() => Page("<p>このリンクは無効です / This link is not valid.</p>", 400);

    private static IResult Page(string body, int status = 200)
        => Results.Content($"<!doctype html><html lang=\"ja\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Assemble</title>{body}</html>",
            "text/html; charset=utf-8", null, status);
}
