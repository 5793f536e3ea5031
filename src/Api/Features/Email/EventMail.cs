using System.Globalization;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Domain.Members;

namespace Assemble.Api.Features.Email;

/// <summary>The texts of event mails, in Japanese or English by the member's preferred language.</summary>
public static class EventMail
{
    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja-JP");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>"2026年12月8日(火) 19:00 JST" or "Tue 8 Dec 2026, 19:00 JST": the event's zone, named.</summary>
    public static string When(DateTimeOffset instant, string timeZone, PreferredLanguage language)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var name = timeZone == "Asia/Tokyo" ? "JST" : $"{timeZone} (UTC{local:zzz})";
        return language == PreferredLanguage.Ja
            ? $"{local.ToString("yyyy年M月d日(ddd) HH:mm", Japanese)} {name}"
            : $"{local.ToString("ddd d MMM yyyy, HH:mm", English)} {name}";
    }

    public sealed record Text(string Subject, string Body);

    /// <summary>
    /// The mail for one domain event to one member; null when that event sends nothing to members. A held seat's mail
    /// carries <paramref name="payLink"/> when there is one.
    /// </summary>
    /// <remarks>A confirmation by payment, and a completed refund with a return invoice, carry <paramref name="receiptLink"/>, the signed link to it.</remarks>
    public static Text? For(DomainEvent notice, Event e, PreferredLanguage language, bool confirmedAttendee, Registration? registration, string? payLink,
        string? receiptLink = null)
    {
        var ja = language == PreferredLanguage.Ja;
        var when = When(e.StartsAt, e.TimeZone, language);
        var where = e.Format == EventFormat.Online ? (ja ? "オンライン" : "Online") : $"{e.VenueName} {e.VenueAddress}".Trim();
        // The join URL only ever goes to confirmed attendees.
        var join = confirmedAttendee && e.OnlineJoinUrl is not null ? (ja ? $"\n参加URL: {e.OnlineJoinUrl}" : $"\nJoin: {e.OnlineJoinUrl}") : "";
        var head = ja ? $"{e.Title}\n日時: {when}\n場所: {where}" : $"{e.Title}\nWhen: {when}\nWhere: {where}";
        string Deadline(DateTimeOffset at) => When(at, e.TimeZone, language);
        var pay = payLink is null ? "" : ja ? $"\nお支払いはこちら: {payLink}" : $"\nPay here: {payLink}";
        var receipt = receiptLink is null ? "" : "\n\n" + Receipts.ReceiptLinks.MailLines(language, receiptLink);
        return notice switch
        {
            RegistrationConfirmed => ja
                ? new Text($"【Assemble】お申込みが確定しました：{e.Title}", $"{head}{join}\n\n当日はチェックインコード {registration?.CheckInCode} をご提示ください。{receipt}")
                : new Text($"[Assemble] You're registered: {e.Title}", $"{head}{join}\n\nShow your check-in code {registration?.CheckInCode} at the door.{receipt}"),
            HoldCreated hold => ja
                ? new Text($"【Assemble】お支払いをお待ちしています：{e.Title}", $"{head}\n\nお席を {Deadline(hold.ExpiresAt)} までお取り置きしています。期限までにお支払いください。{pay}")
                : new Text($"[Assemble] Complete your payment: {e.Title}", $"{head}\n\nYour seat is held until {Deadline(hold.ExpiresAt)}. Please pay before then.{pay}"),
            HoldExpired => ja
                ? new Text($"【Assemble】お支払い期限が過ぎました：{e.Title}", $"{head}\n\nお支払いが確認できなかったため、お取り置きを終了しました。")
                : new Text($"[Assemble] Your held seat was released: {e.Title}", $"{head}\n\nWe did not receive the payment in time, so the held seat was released."),
            WaitlistOfferMade offer => ja
                ? new Text($"【Assemble】キャンセル待ちの順番が来ました：{e.Title}", $"{head}\n\n{Deadline(offer.ExpiresAt)} までに承諾すると参加できます。")
                : new Text($"[Assemble] A seat is available for you: {e.Title}", $"{head}\n\nAccept by {Deadline(offer.ExpiresAt)} to take it."),
            WaitlistOfferExpired => ja
                ? new Text($"【Assemble】お席のご案内の期限が過ぎました：{e.Title}", $"{head}\n\n期限までに承諾がなかったため、次の方にご案内しました。")
                : new Text($"[Assemble] Your seat offer expired: {e.Title}", $"{head}\n\nThe offer was not accepted in time and has passed to the next person."),
            RegistrationCancelled { EventCancelled: true } => ja
                ? new Text($"【Assemble】開催中止のお知らせ：{e.Title}", $"{head}\n\n誠に申し訳ございませんが、本イベントは中止となりました。理由: {e.CancellationReason}\nお支払い済みの方には全額返金いたします。")
                : new Text($"[Assemble] Cancelled: {e.Title}", $"{head}\n\nWe are sorry: this event has been cancelled. Reason: {e.CancellationReason}\nPaid tickets are refunded in full."),
            WaitlistClosed => ja
                ? new Text($"【Assemble】開催中止のお知らせ：{e.Title}", $"{head}\n\n本イベントは中止となりました。キャンセル待ちも終了しました。理由: {e.CancellationReason}")
                : new Text($"[Assemble] Cancelled: {e.Title}", $"{head}\n\nThis event has been cancelled, and its waitlist closed. Reason: {e.CancellationReason}"),
            RegistrationCancelled => ja
                ? new Text($"【Assemble】キャンセルを承りました：{e.Title}", $"{head}\n\nお申込みをキャンセルしました。")
                : new Text($"[Assemble] Registration cancelled: {e.Title}", $"{head}\n\nYour registration has been cancelled."),
            RegistrationRemoved removed => ja
                ? new Text($"【Assemble】お申込みについて：{e.Title}", $"{head}\n\n主催者によりお申込みが取り消されました。理由: {removed.Reason}")
                : new Text($"[Assemble] About your registration: {e.Title}", $"{head}\n\nThe organizers removed your registration. Reason: {removed.Reason}"),
            ApplicationReceived => ja
                ? new Text($"【Assemble】お申込みを受け付けました：{e.Title}", $"{head}\n\n主催者の承認をお待ちください。")
                : new Text($"[Assemble] Application received: {e.Title}", $"{head}\n\nThe organizers will review your application."),
            ApplicationDeclined => ja
                ? new Text($"【Assemble】お申込みの結果：{e.Title}", $"{head}\n\n今回はお申込みをお受けできませんでした。")
                : new Text($"[Assemble] About your application: {e.Title}", $"{head}\n\nWe could not accept your application this time."),
            EventChanged => ja
                ? new Text($"【Assemble】内容が変更されました：{e.Title}", $"{head}{join}\n\nお申込み済みのイベントの内容が変更されました。最新の情報をご確認ください。")
                : new Text($"[Assemble] Event updated: {e.Title}", $"{head}{join}\n\nAn event you registered for has changed. Please check the details."),
            RefundCompleted done => ja
                ? new Text($"【Assemble】返金が完了しました：{e.Title}", $"{head}\n\n返金が完了しました。返金額: ¥{done.AmountYen:N0}\nカード会社によっては、明細への反映に数日かかることがあります。{receipt}")
                : new Text($"[Assemble] Refund completed: {e.Title}", $"{head}\n\nYour refund of ¥{done.AmountYen:N0} is complete. Your card statement may take a few days to show it.{receipt}"),
            RefundRequested refund => ja
                ? new Text($"【Assemble】返金のお知らせ：{e.Title}", $"{head}\n\n返金の手続きを開始しました。返金額: ¥{refund.AmountYen:N0}{(refund.Reason == RefundReason.LatePaymentNoSeat ? "\nお支払いの確認がお取り置き期限の後となり、満席のためお席をご用意できませんでした。" : "")}")
                : new Text($"[Assemble] Refund on its way: {e.Title}", $"{head}\n\nWe have started your refund of ¥{refund.AmountYen:N0}.{(refund.Reason == RefundReason.LatePaymentNoSeat ? "\nYour payment arrived after the hold ended and the event had filled up." : "")}"),
            _ => null,
        };
    }
}
