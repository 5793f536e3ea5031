using Assemble.Api.Features.Memberships;
using Assemble.Api.Features.Receipts;
using Assemble.Domain.Credentials;
using Assemble.Domain.Memberships;
using Assemble.Domain.Payments;
using Assemble.Domain.Receipts;
using Microsoft.Extensions.Options;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Identity;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Hosting;

/// <summary>
/// Demo data for Development: an admin, two organizers and twenty members across professions, some with verified
/// credentials. Runs once (when the demo admin does not exist yet) and prints every password that one time.
/// </summary>
public sealed class DemoData(AccountBootstrap accounts, AppDbContext db, UserManager<Infrastructure.Identity.AppUser> users, TimeProvider time,
    IOptions<ReceiptOptions> receiptOptions)
{
    public const string AdminEmail = "admin@assemble.example";

    private sealed record Person(string Email, string Name, string Kana, Profession Profession, Prefecture Prefecture, string Organisation, string Bio, bool Verified);

    private static readonly Person[] People =
    [
        new("organizer1@assemble.example", "徳田 陽介", "トクダ ヨウスケ", Profession.ClinicalPsychologist, Prefecture.Tokyo, "Assemble 運営", "勉強会とライブスーパーヴィジョンを企画しています。", true),
        new("organizer2@assemble.example", "中村 さやか", "ナカムラ サヤカ", Profession.CertifiedPublicPsychologist, Prefecture.Kanagawa, "Assemble 運営", "オンライン配信とキャリアコーチングを担当しています。", true),
        new("member01@assemble.example", "阿部 健一", "アベ ケンイチ", Profession.Psychiatrist, Prefecture.Tokyo, "あべメンタルクリニック", "精神科医。心理職との連携に関心があります。", true),
        new("member02@assemble.example", "岩倉 美香", "イワクラ ミカ", Profession.ClinicalPsychologist, Prefecture.Tokyo, "岩倉心理相談室", "トラウマ臨床、EMDR。", true),
        new("member03@assemble.example", "佐藤 真理", "サトウ マリ", Profession.CertifiedPublicPsychologist, Prefecture.Osaka, "梅田こころのクリニック", "思春期のトラウマに焦点化した認知行動療法。", true),
        new("member04@assemble.example", "鈴木 一郎", "スズキ イチロウ", Profession.CertifiedSocialWorker, Prefecture.Saitama, "さいたま地域包括支援センター", "高齢者支援と社会的処方。", true),
        new("member05@assemble.example", "高橋 由美", "タカハシ ユミ", Profession.PsychiatricSocialWorker, Prefecture.Chiba, "千葉こころの病院", "精神科病院の地域移行支援。", false),
        new("member06@assemble.example", "田中 悠", "タナカ ユウ", Profession.Nurse, Prefecture.Aichi, "名古屋総合病院", "精神科看護。", false),
        new("member07@assemble.example", "伊藤 恵", "イトウ メグミ", Profession.PublicHealthNurse, Prefecture.Hokkaido, "札幌市保健所", "母子保健と産後うつの支援。", true),
        new("member08@assemble.example", "渡辺 翔", "ワタナベ ショウ", Profession.Teacher, Prefecture.Fukuoka, "福岡市立中学校", "不登校の生徒を支える学校づくり。", false),
        new("member09@assemble.example", "山本 彩", "ヤマモト アヤ", Profession.SchoolCounselor, Prefecture.Kyoto, "京都府スクールカウンセラー", "学校臨床。", false),
        new("member10@assemble.example", "中島 大輔", "ナカジマ ダイスケ", Profession.CareerConsultant, Prefecture.Tokyo, "キャリア相談オフィス", "支援職のキャリア形成。", false),
        new("member11@assemble.example", "小林 花", "コバヤシ ハナ", Profession.Coach, Prefecture.Hyogo, "フリーランス", "対人支援職向けのコーチング。", false),
        new("member12@assemble.example", "加藤 誠", "カトウ マコト", Profession.Physician, Prefecture.Osaka, "かとう内科", "心療内科的な相談が多い内科医です。", true),
        new("member13@assemble.example", "吉田 麻衣", "ヨシダ マイ", Profession.ClinicalPsychologist, Prefecture.Miyagi, "仙台心理臨床センター", "遊戯療法と家族支援。", false),
        new("member14@assemble.example", "山田 拓海", "ヤマダ タクミ", Profession.CertifiedPublicPsychologist, Prefecture.Hiroshima, "広島産業保健センター", "職場のメンタルヘルス。", true),
        new("member15@assemble.example", "佐々木 遥", "ササキ ハルカ", Profession.CertifiedSocialWorker, Prefecture.Niigata, "新潟市社会福祉協議会", "生活困窮者支援。", false),
        new("member16@assemble.example", "松本 蓮", "マツモト レン", Profession.Psychiatrist, Prefecture.Osaka, "大阪北メンタルクリニック", "児童思春期精神医学。", true),
        new("member17@assemble.example", "井上 葵", "イノウエ アオイ", Profession.ClinicalPsychologist, Prefecture.Okinawa, "那覇こころの相談室", "グリーフケア。", false),
        new("member18@assemble.example", "木村 翼", "キムラ ツバサ", Profession.Nurse, Prefecture.Shizuoka, "静岡訪問看護ステーション", "訪問看護と認知症ケア。", false),
        new("member19@assemble.example", "林 美咲", "ハヤシ ミサキ", Profession.CertifiedPublicPsychologist, Prefecture.Tokyo, "都内大学学生相談室", "学生相談とマインドフルネス。", true),
        new("member20@assemble.example", "清水 陸", "シミズ リク", Profession.PsychiatricSocialWorker, Prefecture.Kanagawa, "横浜就労支援センター", "就労支援と依存症の回復支援。", false),
        new("member21@assemble.example", "森 さくら", "モリ サクラ", Profession.Teacher, Prefecture.Nagano, "長野県立高校", "養護教諭と連携した保健室支援。", false),
        new("member22@assemble.example", "池田 光", "イケダ ヒカル", Profession.ClinicalPsychologist, Prefecture.Osaka, "なんば心理オフィス", "摂食障害とスキーマ療法。", true),
    ];

    /// <summary>Seeds once; returns the e-mail/password pairs it created (empty when the demo data already exists).</summary>
    public async Task<IReadOnlyList<(string Email, string Password)>> SeedAsync()
    {
        if (await users.FindByEmailAsync(AdminEmail) is not null) return [];
        var created = new List<(string, string)>();
        var adminPassword = await accounts.EnsureAdminAsync(AdminEmail);
        if (adminPassword is not null) created.Add((AdminEmail, adminPassword));
        var admin = (await users.FindByEmailAsync(AdminEmail))!;
        var now = time.GetUtcNow();

        for (var i = 0; i < People.Length; i++)
        {
            var person = People[i];
            var (user, password) = await accounts.EnsureAccountAsync(person.Email);
            if (password is not null) created.Add((person.Email, password));
            if (i < 2) await users.AddToRoleAsync(user, Roles.Organizer);

            if (!await db.MemberProfiles.AnyAsync(p => p.Id == user.Id))
            {
                var visibility = new Dictionary<ProfileField, Visibility>
                {
                    [ProfileField.Professions] = Visibility.Public,
                    [ProfileField.Prefecture] = Visibility.Public,
                    [ProfileField.Organisation] = i % 3 == 0 ? Visibility.VerifiedProfessionals : Visibility.Members,
                };
                var details = new ProfileDetails(person.Name, person.Kana, [person.Profession], person.Organisation, person.Prefecture,
                    person.Bio, InterestsFor(person.Profession), PreferredLanguage.Ja, visibility, IsHidden: false);
                db.MemberProfiles.Add(MemberProfile.Create(user.Id, details, now).Value!);
            }

            var credential = Credential.Submit(user.Id, person.Profession, $"DEMO-{1000 + i}", IssuerFor(person.Profession),
                DateOnly.FromDateTime(now.UtcDateTime).AddYears(3), now).Value!;
            if (person.Verified) credential.Verify(admin.Id, now);
            db.Credentials.Add(credential);
        }
        await db.SaveChangesAsync();
        await SeedMembershipsAsync(admin.Id, now);
        await SeedEventsAsync(now);
        await SeedReferralBoardAsync(admin.Id, now);
        return created;
    }

    /// <summary>
    /// About 50 practice profiles of verified demo practitioners across prefectures (accounts without passwords:
    /// listings only) and one open referral request from the demo psychiatrist.
    /// </summary>
    private async Task SeedReferralBoardAsync(Guid adminId, DateTimeOffset now)
    {
        var specialties = await db.VocabularyTerms.Where(t => t.Kind == Domain.Referrals.VocabularyKind.Specialty).Select(t => t.Code).ToListAsync();
        var modalities = await db.VocabularyTerms.Where(t => t.Kind == Domain.Referrals.VocabularyKind.Modality).Select(t => t.Code).ToListAsync();
        (Prefecture Prefecture, string City, double Lat, double Lon)[] places =
        [
            (Prefecture.Osaka, "大阪市北区", 34.7025, 135.4959), (Prefecture.Osaka, "大阪市中央区", 34.6813, 135.5097), (Prefecture.Hyogo, "神戸市中央区", 34.6913, 135.1830),
            (Prefecture.Kyoto, "京都市下京区", 34.9858, 135.7588), (Prefecture.Tokyo, "千代田区", 35.6812, 139.7671), (Prefecture.Tokyo, "新宿区", 35.6896, 139.7006),
            (Prefecture.Kanagawa, "横浜市西区", 35.4660, 139.6223), (Prefecture.Aichi, "名古屋市中村区", 35.1709, 136.8815), (Prefecture.Fukuoka, "福岡市博多区", 33.5902, 130.4207),
            (Prefecture.Hokkaido, "札幌市北区", 43.0687, 141.3508),
        ];
        Profession[] kinds = [Profession.ClinicalPsychologist, Profession.CertifiedPublicPsychologist, Profession.PsychiatricSocialWorker, Profession.CertifiedSocialWorker];
        var random = new Random(20191006);
        var users = new List<AppUser>();
        for (var i = 0; i < 50; i++)
        {
            var email = $"practitioner{i + 1:00}@assemble.example";
            var user = new AppUser { UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(), EmailConfirmed = true, CreatedAt = now };
            users.Add(user);
            db.Users.Add(user);
            var place = places[i % places.Length];
            var kind = kinds[i % kinds.Length];
            db.MemberProfiles.Add(MemberProfile.Create(user.Id, new ProfileDetails($"支援者 {i + 1:00}", null, [kind], null, place.Prefecture, null, [],
                PreferredLanguage.Ja, new Dictionary<ProfileField, Visibility> { [ProfileField.Professions] = Visibility.Public }, false), now).Value!);
            var credential = Credential.Submit(user.Id, kind, $"DEMO-P{i + 1:000}", IssuerFor(kind), DateOnly.FromDateTime(now.UtcDateTime).AddYears(2), now).Value!;
            credential.Verify(adminId, now);
            db.Credentials.Add(credential);
            // The story the board exists for: a few trauma-focused therapists around Umeda.
            var trauma = place.Prefecture == Prefecture.Osaka && i % 4 == 0;
            var details = new Domain.Referrals.PracticeDetails(
                specialties.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Concat(trauma ? ["trauma-ptsd"] : []).Distinct().ToList(),
                modalities.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Concat(trauma ? ["tf-cbt"] : []).Distinct().ToList(),
                [(Domain.Referrals.AgeGroup)random.Next(0, 4), Domain.Referrals.AgeGroup.Adult],
                i % 5 == 0 ? ["ja", "en"] : ["ja"],
                i % 3 == 0 ? [Domain.Referrals.Delivery.Online] : [Domain.Referrals.Delivery.InPerson, Domain.Referrals.Delivery.Online],
                [new Domain.Referrals.PracticeLocation(place.Prefecture, place.City, place.Lat + random.NextDouble() * 0.05, place.Lon + random.NextDouble() * 0.05)],
                [place.Prefecture], [(Domain.Referrals.PracticeSetting)(i % 6)], 5000 + 1000 * (i % 6), 8000 + 1000 * (i % 6), i % 4 == 0,
                (Domain.Referrals.Acceptance)(i % 3), i % 3 == 1 ? 4 : 1);
            db.PracticeProfiles.Add(Domain.Referrals.PracticeProfile.Create(user.Id, details, specialties.ToHashSet(), modalities.ToHashSet(), now).Value!);
        }
        var psychiatrist = await db.Users.SingleAsync(u => u.Email == "member01@assemble.example");
        db.ReferralRequests.Add(Domain.Referrals.ReferralRequest.Create(psychiatrist.Id, [Profession.ClinicalPsychologist, Profession.CertifiedPublicPsychologist],
            ["trauma-ptsd"], ["tf-cbt", "emdr"], Domain.Referrals.AgeGroup.Adolescent, ["ja"], [Domain.Referrals.Delivery.InPerson, Domain.Referrals.Delivery.Online],
            [Prefecture.Osaka], 10000, false, Domain.Referrals.Urgency.WithinTwoWeeks, "思春期のトラウマに対応できる心理職の方を、梅田近辺かオンラインで探しています。",
            specialties.ToHashSet(), modalities.ToHashSet(), now).Value!);

        // Two more needs: one already introduced to two practitioners (waiting for their answers), one still a draft.
        var osakaDoctor = await db.Users.SingleAsync(u => u.Email == "member16@assemble.example");
        var introduced = Domain.Referrals.ReferralRequest.Create(osakaDoctor.Id, [Profession.ClinicalPsychologist, Profession.CertifiedPublicPsychologist],
            ["child-adolescent", "developmental"], ["play-therapy"], Domain.Referrals.AgeGroup.Child, ["ja"], [Domain.Referrals.Delivery.InPerson],
            [Prefecture.Osaka, Prefecture.Hyogo], 8000, true, Domain.Referrals.Urgency.Routine, "小学生のお子さんへのプレイセラピーを、大阪北部か神戸でお願いできる方を探しています。",
            specialties.ToHashSet(), modalities.ToHashSet(), now).Value!;
        introduced.Introduce([users[0].Id, users[10].Id], new Domain.Referrals.ContactChannel(Domain.Referrals.ContactKind.Phone, "06-6000-0000"), now);
        db.ReferralRequests.Add(introduced);
        var internist = await db.Users.SingleAsync(u => u.Email == "member12@assemble.example");
        db.ReferralRequests.Add(Domain.Referrals.ReferralRequest.Create(internist.Id, [Profession.CertifiedPublicPsychologist, Profession.PsychiatricSocialWorker],
            ["workplace", "depression"], ["cbt"], Domain.Referrals.AgeGroup.Adult, ["ja"], [Domain.Referrals.Delivery.Online],
            [Prefecture.Osaka], null, false, Domain.Referrals.Urgency.Routine, "休職中の会社員の復職支援をオンラインでお願いできる方を探しています。",
            specialties.ToHashSet(), modalities.ToHashSet(), now).Value!);

        // A matchmaking evening (お見合い) in Osaka: 3 doctors' seats and 6 for psychologists and social workers; two doctors and four practitioners registered.
        var tokyo = TimeSpan.FromHours(9);
        var starts = new DateTimeOffset(now.ToOffset(tokyo).Date.AddDays(35).AddHours(19), tokyo).ToUniversalTime();
        var organizer = await db.Users.SingleAsync(u => u.Email == "organizer2@assemble.example");
        var evening = Event.Create(Guid.CreateVersion7(now), organizer.Id, new EventDetails(EventKind.Matchmaking, EventFormat.InPerson, "医師と心理職・福祉職のお見合い会 in 大阪",
            "紹介先・紹介元を探している医師と、心理職・福祉職が少人数で順番に話す会です。", Event.DefaultTimeZone, [(null, starts, starts.AddHours(2))],
            new Venue("梅田の貸会議室", "大阪市北区梅田", Prefecture.Osaka), null, null, "受付で席番号をお伝えします。", Audience.VerifiedProfessionals, [], 9, false, [], [], [],
            24, 30, 24), now).Value!;
        evening.DefineTicketType(null, "医師", 0, null, 3, null, null, 1, "ticketTypes[0]", now, MatchmakingSide.Doctor);
        evening.DefineTicketType(null, "心理職・福祉職", 0, null, 6, null, null, 1, "ticketTypes[1]", now, MatchmakingSide.Counsellor);
        evening.Publish(new Dictionary<Guid, IReadOnlyList<Profession>>(), now);
        db.Events.Add(evening);
        var doctorTicket = evening.TicketTypes.Single(t => t.Side == MatchmakingSide.Doctor);
        var counsellorTicket = evening.TicketTypes.Single(t => t.Side == MatchmakingSide.Counsellor);
        foreach (var (member, ticket, profession) in new[] { (osakaDoctor.Id, doctorTicket, Profession.Psychiatrist), (internist.Id, doctorTicket, Profession.Physician) }
                     .Concat(users.Take(4).Select((u, i) => (u.Id, counsellorTicket, kinds[i % kinds.Length]))))
        {
            evening.TryTakeSeats(ticket.Id, 1);
            db.Registrations.Add(Registration.Start(evening, new RegistrationAttempt(member, true, [profession], false, ticket.Id, 1, [], false), now));
        }
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Two plans, and members in each standing, paid by recorded bank transfers (one by card) with their receipts: active
    /// (five 正会員 this fiscal year, one 一般会員), in grace (paid time ended ten days ago) and lapsed (three months ago).
    /// </summary>
    private async Task SeedMembershipsAsync(Guid adminId, DateTimeOffset now)
    {
        Profession[] professionals = [Profession.ClinicalPsychologist, Profession.CertifiedPublicPsychologist, Profession.Psychiatrist, Profession.Physician,
            Profession.CertifiedSocialWorker, Profession.PsychiatricSocialWorker, Profession.Nurse, Profession.PublicHealthNurse];
        var regular = MembershipPlan.Define("regular", new PlanTerms("正会員", 8_800, professionals, PlanValidity.FiscalYear, TaxCategory.OutOfScope, true), now).Value!;
        var general = MembershipPlan.Define("general", new PlanTerms("一般会員", 5_500, [], PlanValidity.TwelveMonths, TaxCategory.OutOfScope, true), now).Value!;
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.MembershipPlans.AddRange(regular, general);
        var today = MembershipPayment.DayInJapan(now);
        var ids = await db.Users.Where(u => u.Email!.EndsWith("@assemble.example")).ToDictionaryAsync(u => u.Email!, u => u.Id);
        (string Email, MembershipPlan Plan, DateOnly PaidOn)[] paid =
        [
            ("member01@assemble.example", regular, today.AddDays(-20)), ("member02@assemble.example", regular, today.AddDays(-20)),
            ("member03@assemble.example", regular, today.AddDays(-5)), ("member19@assemble.example", regular, today),
            ("member10@assemble.example", general, today.AddDays(-60)),
            ("member11@assemble.example", general, today.AddMonths(-12).AddDays(-10)), // in grace
            ("member13@assemble.example", general, today.AddMonths(-15)), // lapsed
        ];
        foreach (var (email, plan, paidOn) in paid)
        {
            var person = People.Single(p => p.Email == email);
            var payment = MembershipPayment.RecordTransfer(Guid.CreateVersion7(now), ids[email], person.Verified ? [person.Profession] : [], plan, [], paidOn,
                plan.PriceYen, "ﾃﾞﾓ ﾌﾘｺﾐ", adminId, fiscalYearStartMonth: 4, MembershipStanding.DefaultGraceDays, now).Value!;
            db.MembershipPayments.Add(payment);
            await Receipts.IssueSaleAsync(db, receiptOptions.Value, ids[email], payment.Id, payment.PaidOn, [DuesRecorder.ReceiptItemOf(plan, payment)], now, CancellationToken.None);
        }
        // And one 正会員 who paid by card, as Checkout settles it: the card payment, the period it bought, the receipt filed under the payment.
        var paidAt = now.AddDays(-3);
        var card = Payment.StartDues(ids["member04@assemble.example"], regular.Code, regular.PriceYen, paidAt.AddMinutes(-5));
        card.AttachSession($"cs_demo_{card.Id:N}", null, paidAt.AddMinutes(25));
        card.MarkPaid($"pi_demo_{card.Id:N}", paidAt);
        var byCard = MembershipPayment.RecordCard(Guid.CreateVersion7(now), card.MemberId, regular, [], MembershipPayment.DayInJapan(card.PaidAt!.Value), card.AmountYen, card.Id,
            fiscalYearStartMonth: 4, MembershipStanding.DefaultGraceDays, now);
        db.Payments.Add(card);
        db.MembershipPayments.Add(byCard);
        await Receipts.IssueSaleAsync(db, receiptOptions.Value, card.MemberId, card.Id, byCard.PaidOn, [DuesRecorder.ReceiptItemOf(regular, byCard)], now, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>A study session with a few attendees, a live supervision with its panel and two paid seats, a coaching cohort and a draft meetup.</summary>
    private async Task SeedEventsAsync(DateTimeOffset now)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(); // receipt numbers are taken in the transaction that issues them
        var ids = await db.Users.Where(u => u.Email!.EndsWith("@assemble.example")).ToDictionaryAsync(u => u.Email!, u => u.Id);
        Guid Id(string email) => ids[email];
        var tokyo = TimeSpan.FromHours(9);
        // Tokyo wall-clock time, N days from today (Tokyo's today).
        DateTimeOffset At(int days, int hour)
            => new DateTimeOffset(now.ToOffset(tokyo).Date.AddDays(days).AddHours(hour), tokyo).ToUniversalTime();

        Event Make(string organizer, EventKind kind, EventFormat format, string title, string description, IReadOnlyList<(string?, DateTimeOffset, DateTimeOffset)> sessions,
            Venue? venue, int capacity, int price, int? memberPrice, bool approval, IReadOnlyList<Speaker> speakers, IReadOnlyList<Question> questions, bool publish)
        {
            var e = Event.Create(Guid.CreateVersion7(now), Id(organizer), new EventDetails(kind, format, title, description, Event.DefaultTimeZone, sessions, venue,
                format == EventFormat.InPerson ? null : "https://zoom.example/j/demo-" + capacity, "資料は開催3日前に公開します。", venue is null ? null : "受付は会場入口右手です。",
                Audience.AllMembers, [], capacity, approval, speakers, questions, [], 24, 30, 24), now).Value!;
            e.DefineTicketType(null, price == 0 ? "無料" : "一般", price, memberPrice, null, null, null, 1, "ticketTypes[0]", now);
            if (publish)
            {
                var panel = speakers.Where(s => s.MemberId is not null).ToDictionary(
                    s => s.MemberId!.Value,
                    s => (IReadOnlyList<Profession>)People.Where(p => Id(p.Email) == s.MemberId && p.Verified).Select(p => p.Profession).ToList());
                e.Publish(panel, now);
            }
            db.Events.Add(e);
            return e;
        }

        var study = Make("organizer1@assemble.example", EventKind.StudySession, EventFormat.Online, "相談記録の書き方 勉強会",
            "支援記録をどう書くか、実際の記録例をもとに学びます。", [(null, At(14, 19), At(14, 21))], null, 40, 0, null, false,
            [new Speaker(Id("member13@assemble.example"), "吉田 麻衣", "臨床心理士", "仙台心理臨床センター", SpeakerRole.Speaker)],
            [new Question(Guid.CreateVersion7(now), "普段の所属機関の種別を教えてください", QuestionKind.SingleChoice, ["医療", "福祉", "教育", "産業", "その他"], false)], true);
        var live = Make("organizer1@assemble.example", EventKind.LiveSupervision, EventFormat.Hybrid, "【精神科医VS臨床心理士】ライブスーパーヴィジョン",
            "精神科医と臨床心理士が一つの匿名化された事例をもとに意見を交わします。", [(null, At(30, 14), At(30, 17))],
            new Venue("Assemble 会議室", "東京都千代田区丸の内1-1-1", Prefecture.Tokyo), 60, 4000, 3500, false,
            [new Speaker(Id("member01@assemble.example"), "阿部 健一", "精神科医", "あべメンタルクリニック", SpeakerRole.Panelist),
             new Speaker(Id("member02@assemble.example"), "岩倉 美香", "臨床心理士", "岩倉心理相談室", SpeakerRole.Panelist)], [], true);
        Make("organizer2@assemble.example", EventKind.CoachingCohort, EventFormat.Online, "キャリアコーチング 第一期",
            "支援職としての強みと価値観を見つめ直す、4回の少人数プログラムです。",
            Enumerable.Range(0, 4).Select(i => ((string?)$"第{i + 1}回", At(21 + 7 * i, 20), At(21 + 7 * i, 22))).ToList(), null, 8, 30000, null, true, [], [], true);
        var meetup = Make("organizer2@assemble.example", EventKind.Meetup, EventFormat.InPerson, "大阪 支援職交流会", "職種をこえて気軽に話しましょう。",
            [(null, At(45, 19), At(45, 21))], new Venue("梅田の貸会議室", "大阪市北区梅田", Prefecture.Osaka), 30, 1000, 500, false, [], [], false);
        meetup.DefineTicketType(null, "会員限定 懇親会付き", 3000, null, 10, null, null, 1, "ticketTypes[1]", now, membersOnly: true);

        // Two paid seats at the live supervision, settled with their receipts: a 正会員 at the member price, a non-member at the full price.
        foreach (var (email, member) in new[] { ("member03@assemble.example", true), ("member12@assemble.example", false) })
        {
            var person = People.Single(p => p.Email == email);
            var ticket = live.TicketTypes[0];
            live.TryTakeSeats(ticket.Id, 1);
            var registration = Registration.Start(live, new RegistrationAttempt(Id(email), true, [person.Profession], member, ticket.Id, 1, [], true), now);
            var payment = Payment.Start(registration.Id, live.Id, Id(email), registration.AmountYen, now);
            payment.MarkPaid($"pi_demo_{registration.Id:N}", now);
            registration.ConfirmPayment(now);
            db.Registrations.Add(registration);
            db.Payments.Add(payment);
            await Receipts.IssueTicketSaleAsync(db, receiptOptions.Value, live, registration, payment, now, CancellationToken.None);
        }

        foreach (var email in new[] { "member03@assemble.example", "member07@assemble.example", "member19@assemble.example" })
        {
            study.TryTakeSeats(study.TicketTypes[0].Id, 1);
            db.Registrations.Add(Registration.Start(study, new RegistrationAttempt(Id(email), true, [], false, study.TicketTypes[0].Id, 1, [], false), now));
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    private static List<string> InterestsFor(Profession profession) => profession switch
    {
        Profession.Psychiatrist or Profession.Physician => ["多職種連携", "リファー"],
        Profession.ClinicalPsychologist or Profession.CertifiedPublicPsychologist => ["スーパーヴィジョン", "認知行動療法", "トラウマ"],
        Profession.CertifiedSocialWorker or Profession.PsychiatricSocialWorker => ["社会的処方", "地域連携"],
        _ => ["燃え尽き予防", "キャリア"],
    };

    private static string IssuerFor(Profession profession) => profession switch
    {
        Profession.CertifiedPublicPsychologist => "厚生労働省・文部科学省",
        Profession.ClinicalPsychologist => "日本臨床心理士資格認定協会",
        Profession.Psychiatrist or Profession.Physician or Profession.Nurse or Profession.PublicHealthNurse
            or Profession.CertifiedSocialWorker or Profession.PsychiatricSocialWorker => "厚生労働省",
        _ => "その他",
    };
}
