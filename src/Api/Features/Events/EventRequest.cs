using Assemble.Domain.Receipts;
using Assemble.Api.Common.Json;
using System.ComponentModel.DataAnnotations;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;

namespace Assemble.Api.Features.Events;

public sealed record SessionRequest(string? Title, [Required] DateTimeOffset? StartsAt, [Required] DateTimeOffset? EndsAt);

public sealed record VenueRequest(string? Name, string? Address, Prefecture? Prefecture);

public sealed record SpeakerRequest(Guid? MemberId, string? Name, string? Profession, string? Affiliation, SpeakerRole? Role);

public sealed record QuestionRequest(Guid? Id, string? Text, QuestionKind? Kind, List<string>? Options, bool? Required);

public sealed record TicketTypeRequest(
    Guid? Id, [Required] string? Name, [Required] int? PriceYen, int? MemberPriceYen, int? Quota,
    DateTimeOffset? SalesStartAt, DateTimeOffset? SalesEndAt, int? MaxPerMember, MatchmakingSide? Side,
    TaxCategory? Tax = null, bool? MembersOnly = null);

/// <summary>
/// An event as the organizer writes it (POST creates a draft, PUT replaces it). Times carry their offset
/// (<c>2026-12-08T19:00:00+09:00</c>) and are stored in UTC; <c>timeZone</c> (IANA, default Asia/Tokyo) is how they are shown.
/// A single event gives <c>startsAt</c>/<c>endsAt</c>; a coaching cohort gives <c>sessions</c>.
/// </summary>
public sealed record EventRequest(
    [Required] EventKind? Kind,
    [Required] EventFormat? Format,
    [Required] string? Title,
    [property: AllowLineBreaks] string? Description,
    string? TimeZone,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    List<SessionRequest>? Sessions,
    VenueRequest? Venue,
    string? OnlineJoinUrl,
    [property: AllowLineBreaks] string? AttendeeMaterials,
    [property: AllowLineBreaks] string? AttendeeNotes,
    Audience? Audience,
    List<Profession>? AudienceProfessions,
    [Required] int? Capacity,
    bool? RequiresApproval,
    List<SpeakerRequest>? Speakers,
    List<QuestionRequest>? Questions,
    List<Guid>? CoOrganizerIds,
    int? CancellationDeadlineHours,
    int? HoldMinutes,
    int? OfferHours,
    [Required] List<TicketTypeRequest>? TicketTypes,
    bool? MembersOnly = null)
{
    public const int DefaultCancellationDeadlineHours = 24;
    public const int DefaultHoldMinutes = 30;
    public const int DefaultOfferHours = 24;

    /// <summary>Checks what JSON alone cannot (required fields, shapes) and builds the domain's details.</summary>
    public Result<EventDetails> ToDetails(DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (Kind is null) errors["kind"] = ["Required."];
        if (Format is null) errors["format"] = ["Required."];
        if (Title is null) errors["title"] = ["Required."];
        if (Capacity is null) errors["capacity"] = ["Required."];

        var sessions = new List<(string?, DateTimeOffset, DateTimeOffset)>();
        if (Sessions is { Count: > 0 })
        {
            if (StartsAt is not null || EndsAt is not null) errors["startsAt"] = ["Give either startsAt/endsAt or sessions, not both."];
            for (var i = 0; i < Sessions.Count; i++)
            {
                var s = Sessions[i];
                if (s.StartsAt is null || s.EndsAt is null) errors[$"sessions[{i}]"] = ["Each session has startsAt and endsAt."];
                else if (s.Title?.Length > 200) errors[$"sessions[{i}].title"] = ["Use at most 200 characters."];
                else sessions.Add((s.Title, s.StartsAt.Value.ToUniversalTime(), s.EndsAt.Value.ToUniversalTime()));
            }
        }
        else if (StartsAt is null || EndsAt is null)
        {
            errors["startsAt"] = ["Give startsAt and endsAt (or sessions for a coaching cohort)."];
        }
        else
        {
            sessions.Add((null, StartsAt.Value.ToUniversalTime(), EndsAt.Value.ToUniversalTime()));
        }

        var speakers = new List<Speaker>();
        foreach (var (s, i) in (Speakers ?? []).Select((s, i) => (s, i)))
        {
            if (string.IsNullOrWhiteSpace(s.Name)) errors[$"speakers[{i}].name"] = ["Required."];
            else speakers.Add(new Speaker(s.MemberId, s.Name.Trim(), s.Profession?.Trim(), s.Affiliation?.Trim(), s.Role ?? SpeakerRole.Speaker));
        }

        var questions = new List<Question>();
        foreach (var (q, i) in (Questions ?? []).Select((q, i) => (q, i)))
        {
            if (string.IsNullOrWhiteSpace(q.Text) || q.Kind is null) errors[$"questions[{i}]"] = ["Each question has text and a kind."];
            else questions.Add(new Question(q.Id ?? Guid.CreateVersion7(now), q.Text.Trim(), q.Kind.Value,
                q.Kind == QuestionKind.Text ? [] : (q.Options ?? []).Select(o => o.Trim()).ToList(), q.Required ?? false));
        }
        if (questions.Select(q => q.Id).Distinct().Count() != questions.Count) errors["questions"] = ["Question ids must differ."];
        if (TicketTypes is null or { Count: 0 }) errors["ticketTypes"] = ["Give at least one ticket type (price 0 for a free event)."];
        else if (TicketTypes.Count > 10) errors["ticketTypes"] = ["At most 10 ticket types."];
        else
            for (var i = 0; i < TicketTypes.Count; i++)
                if (TicketTypes[i].Name is null || TicketTypes[i].PriceYen is null) errors[$"ticketTypes[{i}]"] = ["Each ticket type has a name and priceYen (0 = free)."];

        if (errors.Count > 0) return Error.Validation("event.invalid", errors);
        return new EventDetails(
            Kind!.Value, Format!.Value, Title!, Description, TimeZone ?? Event.DefaultTimeZone, sessions,
            Venue is null ? null : new Venue(Venue.Name ?? "", Venue.Address, Venue.Prefecture),
            OnlineJoinUrl, AttendeeMaterials, AttendeeNotes, Audience ?? Domain.Events.Audience.AllMembers,
            AudienceProfessions ?? [], Capacity!.Value, RequiresApproval ?? false, speakers, questions, CoOrganizerIds ?? [],
            CancellationDeadlineHours ?? DefaultCancellationDeadlineHours, HoldMinutes ?? DefaultHoldMinutes, OfferHours ?? DefaultOfferHours,
            MembersOnly ?? false);
    }

    /// <summary>Adds, changes and removes ticket types to match the request.</summary>
    public Result ApplyTicketTypes(Event e, DateTimeOffset now)
    {
        var wanted = TicketTypes!;
        foreach (var gone in e.TicketTypes.Where(t => wanted.All(w => w.Id != t.Id)).Select(t => t.Id).ToList())
        {
            var removed = e.RemoveTicketType(gone);
            if (!removed.IsSuccess) return removed;
        }
        for (var i = 0; i < wanted.Count; i++)
        {
            var t = wanted[i];
            var defined = e.DefineTicketType(t.Id, t.Name!, t.PriceYen!.Value, t.MemberPriceYen, t.Quota, t.SalesStartAt?.ToUniversalTime(),
                t.SalesEndAt?.ToUniversalTime(), t.MaxPerMember ?? 1, $"ticketTypes[{i}]", now, t.Side, t.Tax ?? TaxCategory.Standard, t.MembersOnly ?? false);
            if (!defined.IsSuccess) return defined;
        }
        return Result.Success();
    }
}
