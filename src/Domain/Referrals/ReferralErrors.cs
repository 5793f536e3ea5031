using Assemble.Domain.Common;

namespace Assemble.Domain.Referrals;

public static class ReferralErrors
{
    public static readonly Error NotVerified = new("referral.not_verified", "Only verified professionals can list a practice. Submit your credential first.", ErrorKind.Rule);
    public static readonly Error NoPracticeProfile = new("practice.not_found", "You have no practice profile yet.", ErrorKind.NotFound);
    public static readonly Error IntroductionNotFound = new("introduction.not_found", "No such introduction.", ErrorKind.NotFound);
    public static readonly Error SelfIntroduction = new("introduction.self", "You cannot introduce a request to yourself.", ErrorKind.Rule);
    public static readonly Error AlreadyInvited = new("introduction.already_invited", "This professional has already been invited to this request.", ErrorKind.Conflict);
    public static readonly Error TooManyOpen = new("introduction.too_many_open",
        $"At most {Introduction.MaxOpen} introductions may wait for an answer at once. Withdraw one or wait for answers.", ErrorKind.Conflict);
    public static readonly Error NothingAccepted = new("referral.nothing_accepted", "A request can be closed once one introduction has been accepted; otherwise withdraw it.", ErrorKind.Conflict);
    public static readonly Error Expired = new("introduction.expired", "The time to answer this introduction has passed.", ErrorKind.Conflict);
    /// <summary>Free text on the board that seems to hold a client's personal data. Names the fields and categories, never the text.</summary>
    public static Error PersonalDataSuspected(IReadOnlyDictionary<string, string[]> categoriesByField) => new("referral.personal_data_suspected",
        $"This seems to contain personal data ({string.Join(", ", categoriesByField.Values.SelectMany(c => c).Distinct())}). " +
        "Describe the need or the practice, never a person: the referral letter stays between clinicians.", ErrorKind.Rule) { Fields = categoriesByField };

    public static readonly Error NotListed = new("introduction.not_listed", "Introductions go to professionals listed on the referral board.", ErrorKind.Rule);
}
