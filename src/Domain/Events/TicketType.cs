using Assemble.Domain.Receipts;
using Assemble.Domain.Common;

namespace Assemble.Domain.Events;

/// <summary>
/// A kind of ticket for an event: a price in whole yen (0 = free), an optional member price, an optional quota, a
/// sale window and a maximum per member. Its seats count against both its quota and the event's capacity.
/// </summary>
public sealed class TicketType
{
    public const int NameMaxLength = 100;
    /// <summary>Stripe's minimum charge in JPY.</summary>
    public const int MinimumPaidYen = Payments.Payment.MinimumYen;
    /// <summary>Stripe's amounts have at most 8 digits.</summary>
    public const int MaximumYen = 99_999_999;

    private TicketType() { }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public string Name { get; private set; } = "";
    public int PriceYen { get; private set; }
    public int? MemberPriceYen { get; private set; }
    public int? Quota { get; private set; }
    public DateTimeOffset? SalesStartAt { get; private set; }
    public DateTimeOffset? SalesEndAt { get; private set; }
    public int MaxPerMember { get; private set; } = 1;
    /// <summary>For a matchmaking event: which side this ticket is for (its quota is that side's quota).</summary>
    public MatchmakingSide? Side { get; private set; }
    /// <summary>Seats held by confirmed registrations, unexpired holds and outstanding waitlist offers.</summary>
    public int SeatsTaken { get; private set; }
    /// <summary>How consumption tax applies to the ticket, as its receipts show it (prices include it): 10 % unless the organizer says otherwise.</summary>
    public TaxCategory Tax { get; private set; } = TaxCategory.Standard;
    /// <summary>Only members whose membership is active on the day may take this ticket.</summary>
    public bool MembersOnly { get; private set; }

    public bool IsFree => PriceYen == 0;

    public static TicketType Create(Guid id, Guid eventId) => new() { Id = id, EventId = eventId };

    /// <summary>Sets what the organizer controls. The quota can never go below the seats already taken.</summary>
    public Result Define(string name, int priceYen, int? memberPriceYen, int? quota, DateTimeOffset? salesStartAt, DateTimeOffset? salesEndAt, int maxPerMember, string field, MatchmakingSide? side = null,
        TaxCategory tax = TaxCategory.Standard, bool membersOnly = false)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > NameMaxLength) errors[$"{field}.name"] = [$"Give a name of 1 to {NameMaxLength} characters."];
        if (priceYen < 0) errors[$"{field}.priceYen"] = ["A price is 0 (free) or more, in whole yen."];
        else if (priceYen is > 0 and < MinimumPaidYen) errors[$"{field}.priceYen"] = [$"A paid ticket costs at least ¥{MinimumPaidYen} (Stripe's minimum for JPY)."];
        if (memberPriceYen is < 0) errors[$"{field}.memberPriceYen"] = ["A price is 0 (free) or more, in whole yen."];
        else if (memberPriceYen is > 0 and < MinimumPaidYen) errors[$"{field}.memberPriceYen"] = [$"A paid ticket costs at least ¥{MinimumPaidYen} (Stripe's minimum for JPY)."];
        if (priceYen > MaximumYen || memberPriceYen > MaximumYen) errors[$"{field}.priceYen"] = [$"At most ¥{MaximumYen:N0}."];
        if (memberPriceYen > priceYen) errors[$"{field}.memberPriceYen"] = ["The member price is at most the regular price."];
        if (quota is < 1) errors[$"{field}.quota"] = ["A quota is at least 1 (leave it out for no quota)."];
        if (maxPerMember is < 1 or > 10) errors[$"{field}.maxPerMember"] = ["From 1 to 10."];
        if (salesStartAt is { } s && salesEndAt is { } e && e <= s) errors[$"{field}.salesEndAt"] = ["Sales end after they start."];
        if (errors.Count > 0) return Error.Validation("event.invalid", errors);
        if (quota is { } q && q < SeatsTaken) return EventErrors.QuotaBelowTaken(Name, SeatsTaken);

        Name = name.Trim();
        PriceYen = priceYen;
        MemberPriceYen = memberPriceYen;
        Quota = quota;
        SalesStartAt = salesStartAt;
        SalesEndAt = salesEndAt;
        MaxPerMember = maxPerMember;
        Side = side;
        Tax = tax;
        MembersOnly = membersOnly;
        return Result.Success();
    }

    /// <summary>The price of one seat: the member price, when one is set, for a member whose membership is active; else the price.</summary>
    public int PriceFor(bool activeMember) => activeMember && MemberPriceYen is { } memberPrice ? memberPrice : PriceYen;

    /// <summary>Whether someone may take this ticket: a members-only one only a member whose membership is active.</summary>
    public bool OpenTo(bool activeMember) => activeMember || !MembersOnly;

    public bool IsOnSale(DateTimeOffset now) => (SalesStartAt is null || now >= SalesStartAt) && (SalesEndAt is null || now < SalesEndAt);

    public bool HasRoomFor(int quantity) => Quota is not { } quota || SeatRoom.Fits(quota, SeatsTaken, quantity);

    internal void Take(int quantity) => SeatsTaken += quantity;

    internal void Release(int quantity) => SeatsTaken = Math.Max(0, SeatsTaken - quantity);

    internal void ReleaseAll() => SeatsTaken = 0;

    internal void SetTaken(int seatsTaken) => SeatsTaken = seatsTaken;
}
