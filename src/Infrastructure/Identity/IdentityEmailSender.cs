using Microsoft.AspNetCore.Http;
using System.Net;
using Assemble.Infrastructure.Email;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Assemble.Infrastructure.Identity;

/// <summary>
/// Turns Identity's account mails (confirm e-mail, reset password) into messages on the one e-mail seam.
/// Identity resolves this once, from the root provider, so each mail gets a scope (and DbContext) of its own.
/// </summary>
public sealed class IdentityEmailSender(IServiceScopeFactory scopes, IHttpContextAccessor http, PublicLinks links) : IEmailSender<AppUser>
{
    /// <summary>
    /// Inside a request the mail row goes through the request's own DbContext, so it joins the transaction the
    /// endpoint runs in (sign-up: the account and its confirmation mail commit together); elsewhere, a scope of its own.
    /// </summary>
    private async Task SendAsync(EmailMessage message)
    {
        if (http.HttpContext?.RequestServices is { } requestServices)
        {
            await requestServices.GetRequiredService<IEmailSender>().SendAsync(message);
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IEmailSender>().SendAsync(message);
    }

    // Identity hands over links already HTML-encoded ("&amp;") and built from the request's Host header: decode
    // them for the text part and put them on the public address.
    public Task SendConfirmationLinkAsync(AppUser user, string email, string confirmationLink)
        => SendConfirmationAsync(email, links.Rebase(WebUtility.HtmlDecode(confirmationLink)));

    private Task SendConfirmationAsync(string email, string confirmationLink)
        => SendAsync(new EmailMessage(
            email,
            "【Assemble】メールアドレスの確認 / Confirm your e-mail address",
            $"""
            Assemble へのご登録ありがとうございます。
            次のリンクを開いて、メールアドレスを確認してください。

            Thank you for joining Assemble. Open this link to confirm your e-mail address:

            {confirmationLink}

            お心当たりがない場合は、このメールを破棄してください。
            If you did not sign up, ignore this message.
            """,
            $"""<p>Assemble へのご登録ありがとうございます。次のリンクを開いて、メールアドレスを確認してください。</p><p>Thank you for joining Assemble. Open this link to confirm your e-mail address:</p><p><a href="{WebUtility.HtmlEncode(confirmationLink)}">{WebUtility.HtmlEncode(confirmationLink)}</a></p>"""));

    /// <summary>
    /// Someone signed up with an address that already has an account: the sign-up answers as for a new one (so it
    /// reveals nothing), and the owner is told here.
    /// </summary>
    public Task SendAlreadyRegisteredAsync(string email)
        => SendAsync(new EmailMessage(
            email,
            "【Assemble】このアドレスは登録済みです / You already have an account",
            """
            このメールアドレスで Assemble への登録が試みられましたが、すでにアカウントをお持ちです。
            ご本人の場合は、これまでのパスワードでサインインしてください。お忘れの場合は「パスワードを忘れた方」から再設定できます。
            お心当たりがない場合は、このメールを破棄してください。アカウントは変更されていません。

            Someone tried to sign up to Assemble with this address, which already has an account.
            If it was you, sign in with your password, or use "forgot password" to set a new one.
            If it was not you, ignore this message: nothing about your account has changed.
            """));

    public Task SendPasswordResetLinkAsync(AppUser user, string email, string resetLink)
        => SendAsync(new EmailMessage(
            email,
            "【Assemble】パスワードの再設定 / Reset your password",
            $"""
            次のリンクからパスワードを再設定してください。
            Open this link to reset your password:

            {links.Rebase(WebUtility.HtmlDecode(resetLink))}
            """));

    public Task SendPasswordResetCodeAsync(AppUser user, string email, string resetCode)
        => SendAsync(new EmailMessage(
            email,
            "【Assemble】パスワード再設定コード / Your password reset code",
            $"""
            パスワード再設定コード / Your password reset code:

            {resetCode}

            お心当たりがない場合は、このメールを破棄してください。
            If you did not ask to reset your password, ignore this message.
            """));
}
