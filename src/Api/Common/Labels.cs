using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Domain.Payments;

namespace Assemble.Api.Common;

/// <summary>
/// What people read for our enums, in Japanese (the glossary's terms) or English: the exports print these, never the
/// identifiers. A value added to an enum without a label here fails <c>LabelsTests</c>.
/// </summary>
public static class Labels
{
    public static string Of(Profession profession, PreferredLanguage language) => Pick(language, profession switch
    {
        Profession.CertifiedPublicPsychologist => ("公認心理師", "Certified public psychologist"),
        Profession.ClinicalPsychologist => ("臨床心理士", "Clinical psychologist"),
        Profession.CertifiedSocialWorker => ("社会福祉士", "Certified social worker"),
        Profession.PsychiatricSocialWorker => ("精神保健福祉士", "Psychiatric social worker"),
        Profession.Physician => ("医師", "Physician"),
        Profession.Psychiatrist => ("精神科医", "Psychiatrist"),
        Profession.Nurse => ("看護師", "Nurse"),
        Profession.PublicHealthNurse => ("保健師", "Public health nurse"),
        Profession.Teacher => ("教員", "Teacher"),
        Profession.SchoolCounselor => ("スクールカウンセラー", "School counselor"),
        Profession.CareerConsultant => ("キャリアコンサルタント", "Career consultant"),
        Profession.Coach => ("コーチ", "Coach"),
        Profession.Other => ("その他", "Other"),
        _ => throw new ArgumentOutOfRangeException(nameof(profession), profession, "No label."),
    });

    public static string Of(RegistrationStatus status, PreferredLanguage language) => Pick(language, status switch
    {
        RegistrationStatus.PendingApproval => ("承認待ち", "Awaiting approval"),
        RegistrationStatus.PendingPayment => ("支払い待ち", "Awaiting payment"),
        RegistrationStatus.Confirmed => ("確定", "Confirmed"),
        RegistrationStatus.Cancelled => ("キャンセル", "Cancelled"),
        RegistrationStatus.Expired => ("期限切れ", "Expired"),
        RegistrationStatus.Removed => ("主催者が取消", "Removed by the organizer"),
        RegistrationStatus.Declined => ("不承認", "Declined"),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No label."),
    });

    public static string Of(PaymentStatus status, PreferredLanguage language) => Pick(language, status switch
    {
        PaymentStatus.CheckoutOpen => ("支払い手続き中", "Checkout open"),
        PaymentStatus.AwaitingAsyncPayment => ("入金待ち", "Awaiting payment"),
        PaymentStatus.Paid => ("支払済み", "Paid"),
        PaymentStatus.Expired => ("期限切れ", "Expired"),
        PaymentStatus.Failed => ("失敗", "Failed"),
        PaymentStatus.NeedsReview => ("要確認", "Needs review"),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No label."),
    });

    private static string Pick(PreferredLanguage language, (string Ja, string En) label) => language == PreferredLanguage.En ? label.En : label.Ja;
}
