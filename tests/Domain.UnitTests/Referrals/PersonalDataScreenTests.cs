using Assemble.Domain.Referrals;
using Xunit;

namespace Assemble.Domain.UnitTests.Referrals;

public sealed class PersonalDataScreenTests
{
    /// <summary>Text that must be caught, with the one category it must be reported as (each category, each disguise).</summary>
    public static TheoryData<string, string> Caught => new()
    {
        // E-mail, plain and disguised.
        { "連絡先は taro.yamada@example.jp です", "email" },
        { "taro.yamada [at] example [dot] jp", "email" },
        { "taro(at)example.com", "email" },
        { "taroアットexampleドットjp", "email" },
        { "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "email" },
        { "taro at example dot com", "email" },
        { "taro★example.com", "email" },
        { "ta\u200Bro@exa\u200Dmple.jp", "email" },
        { "taro @ example . co . jp", "email" },
        { "taro@gmail まで", "email" },
        // Phone: every Japanese form, E.164, full-width, kanji, dashes, spacing and zero-width disguises.
        { "携帯 090-1234-5678 まで", "phone" },
        { "電話 03-1234-5678", "phone" },
        { "0120-123-456", "phone" },
        { "09012345678", "phone" },
        { "電話は(06)6123-4567です", "phone" },
        { "０９０－１２３４－５６７８", "phone" },
        { "〇九〇ー一二三四ー五六七八", "phone" },
        { "〇三の一二三四の五六七八ではなく〇三ー一二三四ー五六七八", "phone" },
        { "電話番号は○九○－１２３４－５６７８", "phone" },
        { "090ー1234ー5678", "phone" },
        { "090−1234−5678", "phone" },
        { "090–1234—5678", "phone" },
        { "090ｰ1234ｰ5678", "phone" },
        { "+81 90 1234 5678", "phone" },
        { "+819012345678", "phone" },
        { "+81-3-1234-5678", "phone" },
        { "0 9 0 1 2 3 4 5 6 7 8", "phone" },
        { "090.1234.5678", "phone" },
        { "090\u200B1234\u2060\uFEFF5678", "phone" },
        // Postcode.
        { "〒530-0001", "postcode" },
        { "〒1500001", "postcode" },
        { "大阪市北区 530-0001 付近", "postcode" },
        { "150 0001", "postcode" },
        { "150ー0001", "postcode" },
        // Dates of birth: 西暦 and 和暦, digits and kanji, 元年, era letters, the word itself.
        { "1980年3月2日", "birthdate" },
        { "1980/3/2", "birthdate" },
        { "2/3/1980", "birthdate" },
        { "生年月日は伏せます", "birthdate" },
        { "2010年4月生まれ", "birthdate" },
        { "昭和五十五年三月二日", "birthdate" },
        { "昭和55年3月2日", "birthdate" },
        { "平成元年", "birthdate" },
        { "平成22年4月生", "birthdate" },
        { "令和2年5月6日", "birthdate" },
        { "大正十年", "birthdate" },
        { "H2.3.4", "birthdate" },
        { "S55.3.2", "birthdate" },
        { "㍻2年", "birthdate" },
        // Other dates that pin a person down.
        { "3月2日に初診", "date" },
        { "1980年3月", "date" },
        { "2010/4 生", "date" },
        // Names with an honorific.
        { "山田太郎さん", "name" },
        { "佐藤様", "name" },
        { "田中氏より", "name" },
        { "健太君", "name" },
        { "花子ちゃん", "name" },
        { "ヤマダさん", "name" },
        { "鈴木 一郎 くん", "name" },
        { "Yamadaさん", "name" },
        { "紹介元の高橋さま", "name" },
        { "林さんの件", "name" },
        // Street addresses.
        { "渋谷区神南1-2-3", "address" },
        { "大阪市北区梅田三丁目", "address" },
        { "千代田区丸の内1-2", "address" },
        { "中央区12番地", "address" },
        { "五番十二号", "address" },
        { "101号室", "address" },
        { "神南一ー二ー三", "address" },
        // マイナンバー: twelve digits however grouped.
        { "1234 5678 9012", "my_number" },
        { "1234-5678-9012", "my_number" },
        { "123456789012", "my_number" },
        { "一二三四 五六七八 九〇一二", "my_number" },
        { "1 2 3 4 5 6 7 8 9 0 1 2", "my_number" },
        // Any other long number.
        { "カルテ番号 12345678", "number" },
        { "ID:987654", "number" },
    };

    /// <summary>Ordinary clinical wording that must pass.</summary>
    public static TheoryData<string> Passed => new()
    {
        "CBT 12回",
        "2019年の研究",
        "成人 30代",
        "週1回 50分",
        "PHQ-9 15点",
        "DSM-5",
        "DSM-5-TR",
        "ICD-10 F32.1",
        "3か月",
        "令和の新制度について",
        "令和6年度の制度改正に伴い",
        "トラウマ焦点化認知行動療法",
        "大阪市内で対面可",
        "オンライン可（Zoom）",
        "患者さんの同意取得済み",
        "思春期のお子さんへのプレイセラピー",
        "ご家族様の同席可",
        "皆さんでご検討ください",
        "成人患者さんで、ご本人様の希望あり",
        "お母様同席、お父さんは遠方",
        "看護師さん、ケアマネさん、PSWさんと連携中",
        "Aさん（30代女性）、B氏",
        "多様な背景に配慮",
        "同様の経過です",
        "学校での様子を見て",
        "お疲れ様です",
        "アットホームな雰囲気で",
        "Available at the clinic on weekdays",
        "大阪市内週1-2回",
        "認知行動療法を週1-2回",
        "2週間以内に初回面接を希望。料金は1万円まで。",
        "EMDR 8セッション",
        "IES-R 25点以上",
        "1日3回 SSRI 50mg",
        "午前10時から",
        "小学2年生",
        "60分 8,000円",
        "10代後半",
        "3-4か月",
        "十分な時間",
        "一人ひとりに合わせて",
        "千代田区",
        "大阪市北区",
        "梅田近辺かオンラインで",
        "2019年生活保護の制度",
        "12月から",
        "GAD-7 10点、PHQ-9 12点",
        "AQ 33点、WAIS-IV FSIQ 85",
        "婚約者さんも同席予定",
        "利用者様の紹介",
        "担任の先生から",
        "院長先生とご相談の上",
        "○○さん（仮名）、○月○日の面接で",
    };

    [Theory]
    [MemberData(nameof(Caught))]
    public void Find_WhenTextHoldsPersonalData_ReportsItsCategory(string text, string category)
        => Assert.Equal([category], PersonalDataScreen.Find(text));

    [Theory]
    [MemberData(nameof(Passed))]
    public void Find_WhenTextDescribesANeed_ReportsNothing(string text)
        => Assert.Empty(PersonalDataScreen.Find(text));

    [Fact]
    public void Find_WhenTextHoldsSeveralKinds_ReportsEachOnceInAFixedOrder()
        => Assert.Equal(["email", "phone", "birthdate", "name", "address"],
            PersonalDataScreen.Find("山田太郎さん（昭和55年3月2日）渋谷区神南1-2-3、090-1234-5678、taro@example.jp、090-1234-5678"));

    [Fact]
    public void Check_WhenAFieldHoldsPersonalData_NamesTheFieldAndCategoriesButNotTheText()
    {
        var result = PersonalDataScreen.Check(("note", "電話〇九〇ー一二三四ー五六七八"), ("locations[0].city", "大阪市北区"));
        Assert.Equal("referral.personal_data_suspected", result.Error!.Code);
        Assert.Equal(["note"], result.Error.Fields.Keys);
        Assert.Equal(["phone"], result.Error.Fields["note"]);
        Assert.DoesNotContain("一二三四", result.Error.Message);
        Assert.DoesNotContain("1234", result.Error.Message);
    }

    [Fact]
    public void Find_WhenTextIsLongerThanTheScreenReads_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => PersonalDataScreen.Find(new string('あ', PersonalDataScreen.MaxLength + 1)));

    [Fact]
    public void Find_WhenTextIsHostileToRegexes_AnswersQuickly()
    {
        var started = DateTime.UtcNow;
        foreach (var hostile in new[] { new string('1', 2000), string.Concat(Enumerable.Repeat("1-", 1000)), string.Concat(Enumerable.Repeat("a.", 1000)),
                     string.Concat(Enumerable.Repeat("山", 1999)) + "さ", string.Concat(Enumerable.Repeat("0 ", 1000)), new string('十', 2000) })
            PersonalDataScreen.Find(hostile);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
    }
}
