using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Persistence.Configurations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Email;

/// <summary>
/// The unsubscribe link in non-essential mail: a token protected with Data Protection (shared by every instance)
/// naming the member; opening it turns reminders off without signing in. Essential mail cannot be turned off.
/// </summary>
public static class Unsubscribe
{
    private const string Purpose = "Assemble.Unsubscribe.Reminders.v1";

    public static string Token(IDataProtectionProvider protection, Guid memberId)
        => protection.CreateProtector(Purpose).Protect(memberId.ToString("N"));

    public static void MapUnsubscribeEndpoints(this IEndpointRouteBuilder app)
        => app.MapGet("/api/mail/unsubscribe", async (string? token, IDataProtectionProvider protection, AppDbContext db, CancellationToken ct) =>
            {
                Guid memberId;
                try
                {
                    memberId = Guid.ParseExact(protection.CreateProtector(Purpose).Unprotect(token ?? ""), "N");
                }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
                {
                    return Results.Content("<!doctype html><meta charset=\"utf-8\"><p>このリンクは無効です / This link is not valid.</p>", "text/html; charset=utf-8", null, 400);
                }
                var p = await db.MailPreferences.SingleOrDefaultAsync(x => x.MemberId == memberId, ct);
                if (p is null && await db.Users.AnyAsync(u => u.Id == memberId, ct)) db.MailPreferences.Add(p = new MailPreference { MemberId = memberId });
                if (p is not null)
                {
                    p.Reminders = false;
                    await db.SaveChangesAsync(ct);
                }
                return Results.Content("<!doctype html><meta charset=\"utf-8\"><p>リマインドメールを停止しました / Reminders are turned off.</p>", "text/html; charset=utf-8");
            })
            .WithTags("Email").WithName("UnsubscribeFromReminders").AllowAnonymous();
}
