using Assemble.Domain.Credentials;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Hosting;

/// <summary>
/// Demo data for Development: an admin, two organizers and twenty members across professions, some with verified
/// credentials. Runs once (when the demo admin does not exist yet) and prints every password that one time.
/// </summary>
public sealed class DemoData(AccountBootstrap accounts, AppDbContext db, UserManager<Infrastructure.Identity.AppUser> users, TimeProvider time)
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
        return created;
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
