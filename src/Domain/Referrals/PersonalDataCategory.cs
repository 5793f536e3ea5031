namespace Assemble.Domain.Referrals;

/// <summary>
/// The stable codes <see cref="PersonalDataScreen"/> reports. A refusal names these, never the text that matched,
/// so the answer (and any log of it) does not repeat what should not have been written.
/// </summary>
public static class PersonalDataCategory
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Postcode = "postcode";
    /// <summary>A full date (西暦 or 和暦), an era year (平成元年), or a birth-date word (生年月日, 1980年生まれ).</summary>
    public const string Birthdate = "birthdate";
    /// <summary>A partial date that still pins a person down: year and month, or month and day.</summary>
    public const string Date = "date";
    /// <summary>A personal name followed by 様, さん, 氏, 君, くん or ちゃん.</summary>
    public const string Name = "name";
    /// <summary>A street address: 丁目, 番地, 番…号, 号室, or a digit-dash-digit run after a place name.</summary>
    public const string Address = "address";
    /// <summary>Twelve digits however grouped (マイナンバー).</summary>
    public const string MyNumber = "my_number";
    /// <summary>Any other run of six or more digits (record, insurance or patient numbers).</summary>
    public const string Number = "number";
    /// <summary>The text could not be screened in time; it is refused rather than stored unscreened.</summary>
    public const string Unscreenable = "unscreenable";

    /// <summary>The order in which categories are reported.</summary>
    public static readonly IReadOnlyList<string> All = [Email, Phone, Postcode, Birthdate, Date, Name, Address, MyNumber, Number, Unscreenable];
}
