namespace Assemble.Domain.Referrals;

/// <summary>
/// The allow-list of <see cref="PersonalDataScreen"/>'s name check: words that take 様, さん, 氏, 君 or ちゃん in
/// clinical writing without being anybody's name (患者さん, お子さん, ご家族様, 皆さん, 看護師さん, ケアマネさん, PSWさん).
/// A word here is allowed only where it ends the run before the honorific, so 成人患者さん passes and 山田さん does not.
/// </summary>
internal static class NotAName
{
    /// <summary>Allowed only as the whole run: as the end of a longer run they could be the end of a name (花子, 緒方).</summary>
    private static readonly HashSet<string> Whole =
    [
        "子", "母", "父", "兄", "姉", "弟", "妹", "娘", "孫", "嫁", "婿", "夫", "妻", "奥", "親", "皆", "客", "赤", "嬢", "坊", "姫", "方", "彼", "諸",
        "各", "貴", "月", "日", "隣",
    ];

    /// <summary>Allowed as the end of the run: roles, relations and professions.</summary>
    private static readonly string[] Endings =
    [
        // Anyone described by a role: 患者, 利用者, 保護者, 医者; 看護師, 保健師; 職員, 支援員; 専門職; 主婦; ご遺族; 依頼主.
        // Not 屋 or 手: 土屋 and 井手 are surnames.
        "者", "師", "医", "員", "職", "婦", "族", "主",
        "本人", "家族", "両親", "母親", "父親", "里親", "親御", "主人", "旦那", "兄弟", "姉妹", "夫婦", "息子", "祖母", "祖父", "叔母", "伯母",
        "叔父", "伯父", "子供", "友達", "友人", "彼女", "同僚", "上司", "部下", "先輩", "後輩", "近所", "大家", "相手", "先方",
        "先生", "担任", "担当", "受付", "事務", "大工", "運転手", "助手", "学生", "生徒", "児童", "園児", "院生", "高校生", "研修生", "実習生", "同級生",
        "心理士", "福祉士", "療法士", "聴覚士", "保育士", "栄養士", "弁護士", "介護士",
        "院長", "校長", "社長", "部長", "課長", "会長", "園長", "室長", "所長", "店長", "事長", "委員長", "係長",
        "王子", "先祖", "天道",
        "クライアント", "スタッフ", "カウンセラー", "セラピスト", "ドクター", "ナース", "ワーカー", "ヘルパー", "ケアマネ", "マネージャー",
        "マネジャー", "パートナー", "ママ", "パパ", "ユーザー", "ボランティア", "メンバー", "トレーナー", "コーチ", "サポーター", "オーナー",
        "ゲスト", "ファミリー", "ベビー", "ドライバー", "リーダー",
    ];

    /// <summary>Words that end in the honorific itself (多様, 同様, ご苦労様, 彼氏, 諸君).</summary>
    private static readonly string[] Compounds =
    [
        "多様", "同様", "模様", "仕様", "異様", "一様", "有様", "無様", "両様", "各様", "神様", "王様", "殿様", "仏様", "苦労様", "馳走様", "世話様",
        "愁傷様", "陰様", "得意様", "彼氏", "両氏", "諸氏", "同氏", "某氏", "諸君", "父君", "細君", "貴君",
    ];

    /// <summary>Latin words before さん that are roles, not names; any all-capital abbreviation (PSW, MSW, CP, OT, A) is one too.</summary>
    private static readonly HashSet<string> Latin = new(StringComparer.OrdinalIgnoreCase) { "Dr", "Ns", "Mr", "Ms", "Mrs", "Prof" };

    public static bool Allows(string run, string honorific)
    {
        if (Whole.Contains(run) || Latin.Contains(run)) return true;
        if (run.Length <= 5 && run.All(char.IsAsciiLetterUpper)) return true;
        if (Endings.Any(e => run.EndsWith(e, StringComparison.Ordinal))) return true;
        var word = run + honorific;
        return Compounds.Any(c => word.EndsWith(c, StringComparison.Ordinal));
    }
}
