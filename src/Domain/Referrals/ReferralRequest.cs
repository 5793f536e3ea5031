using Assemble.Domain.Common;
using Assemble.Domain.Members;

namespace Assemble.Domain.Referrals;

public enum Urgency { Routine, WithinTwoWeeks }

/// <summary>
/// The request's half of the written state machine (see <see cref="ReferralStates"/>): Draft → Sent → Closed,
/// or Draft | Sent → Withdrawn. Closed and Withdrawn are final; the retention clock starts there.
/// </summary>
public enum ReferralStatus { Draft, Sent, Withdrawn, Closed }

public enum ReferralOutcome { FirstSessionBooked, DidNotProceed, Unknown }

/// <summary>
/// A need, never a person: what kind of professional a clinician is looking for. There is no field for a client's
/// name, birth date, age, contact, address, insurance or record number or diagnosis, and the free-text note is
/// screened for anything that looks like one.
/// </summary>
public sealed class ReferralRequest
{
    public const int NoteMaxLength = 500;

    private ReferralRequest() { }

    public Guid Id { get; private set; }
    public Guid RequesterId { get; private set; }
    public List<Profession> WantedProfessions { get; private set; } = [];
    public List<string> Specialties { get; private set; } = [];
    public List<string> Modalities { get; private set; } = [];
    public AgeGroup? AgeGroup { get; private set; }
    public List<string> Languages { get; private set; } = [];
    public List<Delivery> Delivery { get; private set; } = [];
    public List<Prefecture> Area { get; private set; } = [];
    public int? MaxFeeYen { get; private set; }
    public bool InsuranceNeeded { get; private set; }
    public Urgency Urgency { get; private set; }
    /// <summary>The kind of help wanted, in ≤ 500 characters; deleted 90 days after the request closes.</summary>
    public string? Note { get; private set; }
    public ReferralStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>How the invited professionals reach the requester once they accept; set when introductions are sent.</summary>
    public ContactChannel? RequesterContact { get; private set; }
    /// <summary>When the request was closed or withdrawn: free text goes 90 days later.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }
    public ReferralOutcome? Outcome { get; private set; }
    public List<Introduction> Introductions { get; private set; } = [];

    /// <summary>Free text is deleted this long after a request closes; coded data stays for statistics.</summary>
    public static readonly TimeSpan FreeTextKeptFor = TimeSpan.FromDays(90);

    public static Result<ReferralRequest> Create(Guid requesterId, IReadOnlyList<Profession> professions, IReadOnlyList<string> specialties, IReadOnlyList<string> modalities,
        AgeGroup? ageGroup, IReadOnlyList<string> languages, IReadOnlyList<Delivery> delivery, IReadOnlyList<Prefecture> area, int? maxFeeYen, bool insuranceNeeded,
        Urgency urgency, string? note, ISet<string> knownSpecialties, ISet<string> knownModalities, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (specialties.Contains(null!) || modalities.Contains(null!) || languages.Contains(null!))
            return Error.Validation("referral.invalid", new Dictionary<string, string[]> { ["items"] = ["Lists hold values, not null."] });
        if (professions.Count == 0) errors["wantedProfessions"] = ["Choose at least one profession."];
        if (specialties.FirstOrDefault(s => !knownSpecialties.Contains(s)) is { } s1) errors["specialties"] = [$"Unknown specialty '{s1}'."];
        if (modalities.FirstOrDefault(m => !knownModalities.Contains(m)) is { } m1) errors["modalities"] = [$"Unknown modality '{m1}'."];
        if (languages.Any(l => l.Length != 2 || !l.All(char.IsAsciiLetterLower))) errors["languages"] = ["Give ISO 639-1 codes such as ja or en."];
        if (maxFeeYen is < 0) errors["maxFeeYen"] = ["Whole yen, 0 or more."];
        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmed?.Length > NoteMaxLength) errors["note"] = [$"Use at most {NoteMaxLength} characters."];
        if (errors.Count > 0) return Error.Validation("referral.invalid", errors);

        var screened = PersonalDataScreen.Check(("note", trimmed));
        if (!screened.IsSuccess) return screened.Error!;

        return new ReferralRequest
        {
            Id = Guid.CreateVersion7(now), RequesterId = requesterId, WantedProfessions = [.. professions.Distinct()], Specialties = [.. specialties.Distinct()],
            Modalities = [.. modalities.Distinct()], AgeGroup = ageGroup, Languages = [.. languages.Distinct()], Delivery = [.. delivery.Distinct()],
            Area = [.. area.Distinct()], MaxFeeYen = maxFeeYen, InsuranceNeeded = insuranceNeeded, Urgency = urgency, Note = trimmed,
            Status = ReferralStatus.Draft, CreatedAt = now,
        };
    }

    /// <summary>
    /// Who may read the need: its requester, and a professional invited to it while neither the request nor that
    /// invitation has been withdrawn. An expression, so the database applies the same rule (one home).
    /// </summary>
    public static System.Linq.Expressions.Expression<Func<ReferralRequest, bool>> ReadableBy(Guid memberId)
        => r => r.RequesterId == memberId
                || (r.Status != ReferralStatus.Withdrawn
                    && r.Introductions.Any(i => i.InviteeId == memberId && i.Status != IntroductionStatus.Withdrawn));

    /// <summary>Introductions still waiting for an answer (past their deadline they count as expired).</summary>
    public IEnumerable<Introduction> OpenIntroductions(DateTimeOffset now) => Introductions.Where(i => i.Status == IntroductionStatus.Sent && now <= i.RespondBy);

    /// <summary>
    /// Invites chosen professionals to look at the need: Draft | Sent → Sent. At most <see cref="Introduction.MaxOpen"/>
    /// open at once; nobody is invited twice to the same request, and nobody to their own.
    /// </summary>
    public Result<IReadOnlyList<Introduction>> Introduce(IReadOnlyList<Guid> profileIds, ContactChannel requesterContact, DateTimeOffset now)
    {
        if (Status is not (ReferralStatus.Draft or ReferralStatus.Sent)) return ReferralStates.Refused(Status, ReferralStatus.Sent);
        if (profileIds.Count == 0 || profileIds.Count > Introduction.MaxOpen)
            return Error.Validation("introduction.invalid", new Dictionary<string, string[]> { ["profileIds"] = [$"Choose 1 to {Introduction.MaxOpen} professionals."] });
        if (profileIds.Distinct().Count() != profileIds.Count)
            return Error.Validation("introduction.invalid", new Dictionary<string, string[]> { ["profileIds"] = ["Each professional once."] });
        if (profileIds.Contains(RequesterId)) return ReferralErrors.SelfIntroduction;
        if (profileIds.Any(p => Introductions.Any(i => i.InviteeId == p))) return ReferralErrors.AlreadyInvited;
        ExpireOverdue(now);
        if (OpenIntroductions(now).Count() + profileIds.Count > Introduction.MaxOpen) return ReferralErrors.TooManyOpen;

        var created = profileIds.Select(p => new Introduction(Id, p, now)).ToList();
        Introductions.AddRange(created);
        RequesterContact = requesterContact;
        Status = ReferralStatus.Sent;
        return Result<IReadOnlyList<Introduction>>.Success(created);
    }

    /// <summary>Sent introductions past their deadline become expired.</summary>
    public void ExpireOverdue(DateTimeOffset now)
    {
        // It expired at its deadline, whenever this runs.
        foreach (var i in Introductions.Where(i => i.Status == IntroductionStatus.Sent && now > i.RespondBy)) i.Move(IntroductionStatus.Expired, i.RespondBy);
    }

    /// <summary>The requester withdraws the whole request: Draft | Sent → Withdrawn, and every open introduction with it.</summary>
    public Result Withdraw(DateTimeOffset now)
    {
        if (Status is not (ReferralStatus.Draft or ReferralStatus.Sent)) return ReferralStates.Refused(Status, ReferralStatus.Withdrawn);
        ExpireOverdue(now);
        foreach (var i in Introductions.Where(i => i.Status == IntroductionStatus.Sent)) i.Move(IntroductionStatus.Withdrawn, now);
        Status = ReferralStatus.Withdrawn;
        ClosedAt = now;
        return Result.Success();
    }

    /// <summary>The requester withdraws one introduction that is still waiting: Sent → Withdrawn.</summary>
    public Result WithdrawIntroduction(Guid introductionId, DateTimeOffset now)
    {
        if (Introductions.SingleOrDefault(i => i.Id == introductionId) is not { } introduction) return ReferralErrors.IntroductionNotFound;
        ExpireOverdue(now);
        return introduction.Move(IntroductionStatus.Withdrawn, now);
    }

    /// <summary>
    /// Sent → Closed with an outcome, once at least one introduction was accepted. Introductions still waiting are
    /// withdrawn, then every introduction closes with the request.
    /// </summary>
    public Result Close(ReferralOutcome outcome, DateTimeOffset now)
    {
        if (Status != ReferralStatus.Sent) return ReferralStates.Refused(Status, ReferralStatus.Closed);
        if (!Introductions.Any(i => i.Status == IntroductionStatus.Accepted)) return ReferralErrors.NothingAccepted;
        ExpireOverdue(now);
        foreach (var i in Introductions.Where(i => i.Status == IntroductionStatus.Sent)) i.Move(IntroductionStatus.Withdrawn, now);
        foreach (var i in Introductions) i.Move(IntroductionStatus.Closed, now);
        Status = ReferralStatus.Closed;
        Outcome = outcome;
        ClosedAt = now;
        return Result.Success();
    }

    /// <summary>The invited professional answers yes; only from now on does each side see the other's contact.</summary>
    public Result Accept(Guid introductionId, Guid inviteeId, ContactChannel inviteeContact, DateTimeOffset now)
    {
        if (Introductions.SingleOrDefault(i => i.Id == introductionId && i.InviteeId == inviteeId) is not { } introduction) return ReferralErrors.IntroductionNotFound;
        ExpireOverdue(now);
        return introduction.Accept(inviteeContact, now);
    }

    public Result Decline(Guid introductionId, Guid inviteeId, DeclineReason reason, DateTimeOffset now)
    {
        if (Introductions.SingleOrDefault(i => i.Id == introductionId && i.InviteeId == inviteeId) is not { } introduction) return ReferralErrors.IntroductionNotFound;
        ExpireOverdue(now);
        return introduction.Decline(reason, now);
    }

    /// <summary>A request left alone this long (no answer pending, nothing done) lapses, which starts the retention clock.</summary>
    public static readonly TimeSpan LapsesAfter = TimeSpan.FromDays(90);

    /// <summary>
    /// A request nobody has touched for <see cref="LapsesAfter"/> with no introduction waiting closes by itself: with
    /// outcome Unknown when one was accepted, otherwise withdrawn. So no note outlives its use because nobody closed it.
    /// </summary>
    public bool LapseIfIdle(DateTimeOffset now)
    {
        if (Status is not (ReferralStatus.Draft or ReferralStatus.Sent)) return false;
        ExpireOverdue(now);
        var lastActivity = Introductions.Select(i => i.UpdatedAt).Append(CreatedAt).Max();
        if (now - lastActivity < LapsesAfter || Introductions.Any(i => i.Status == IntroductionStatus.Sent)) return false;
        return Introductions.Any(i => i.Status == IntroductionStatus.Accepted)
            ? Close(ReferralOutcome.Unknown, now).IsSuccess
            : Withdraw(now).IsSuccess;
    }

    /// <summary>
    /// The member deleted their account: the contact channels they gave, and on their own request the note, go now
    /// rather than 90 days after closing. The coded need and the introductions' course stay for statistics.
    /// </summary>
    public void ForgetMember(Guid memberId)
    {
        if (RequesterId == memberId)
        {
            Note = null;
            RequesterContact = null;
        }
        foreach (var i in Introductions.Where(i => i.InviteeId == memberId)) i.ForgetContact();
    }

    /// <summary>Retention: 90 days after closing, the free text and the contact details go; the coded need stays for statistics.</summary>
    public bool ForgetFreeText(DateTimeOffset now)
    {
        if (ClosedAt is not { } closed || now - closed < FreeTextKeptFor) return false;
        if (Note is null && RequesterContact is null && Introductions.All(i => i.InviteeContact is null)) return false;
        Note = null;
        RequesterContact = null;
        foreach (var i in Introductions) i.ForgetContact();
        return true;
    }
}
