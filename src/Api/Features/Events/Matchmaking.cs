using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Features.Members;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Events;

/// <summary>
/// Matchmaking evenings (お見合い). Participants are the confirmed registrations; the ticket type says the side.
/// The organizer generates the rounds; each participant sees their own tables, chooses whom to continue with,
/// and learns of a match (with the other's contact, logged) only when the choice is mutual.
/// </summary>
public static class Matchmaking
{
    public static readonly Error NotParticipant = new("matchmaking.not_participant", "Only confirmed participants of this evening can choose.", ErrorKind.Forbidden);

    public sealed record RoundsRequest(int? Rounds, int? MinutesPerRound);

    public sealed record SelectionsRequest(List<Guid>? MemberIds);

    public sealed record Person(Guid MemberId, string? DisplayName, MatchmakingSide Side);

    public sealed record MeetingView(int Round, int Table, EventTime? StartsAt, Person Doctor, Person Counsellor, double Score);

    /// <summary>The organizer's view: every meeting, how many each person has, and how many mutual matches exist (never who chose whom).</summary>
    public sealed record ScheduleView(int Rounds, IReadOnlyList<MeetingView> Meetings, IReadOnlyDictionary<Guid, int> MeetingsPerParticipant, int MutualMatches);

    public sealed record MatchView(Person With, ContactChannel Contact);

    public sealed record MySelectionsView(IReadOnlyList<Guid> Selected, IReadOnlyList<MatchView> Matches);

    public static void MapMatchmakingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/events/{id:guid}/matchmaking").WithTags("Events").RequireAuthorization();

        group.MapPost("/rounds", async Task<Results<Created<ScheduleView>, ProblemHttpResult>> (
                Guid id, RoundsRequest body, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                if (body.MinutesPerRound is < 3 or > 120) return Problems.InvalidField("minutesPerRound", "From 3 to 120 minutes.", "matchmaking.invalid");
                var e = await db.FindAsync(id, ct);
                if (EventAccess.ManageError(e, user) is { } denied) return denied.ToProblem();
                if (e!.Kind != EventKind.Matchmaking) return EventErrors.NotMatchmaking.ToProblem();
                var now = time.GetUtcNow();
                if (e.StatusAt(now) is EventStatus.Cancelled or EventStatus.Completed) return EventErrors.MatchmakingOver.ToProblem();

                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                // One generation at a time per event, and none while a seat changes.
                await db.Database.SqlQuery<Guid>($"SELECT id AS \"Value\" FROM events WHERE id = {id} FOR UPDATE").ToListAsync(ct);
                var participants = await ParticipantsAsync(db, id, ct);
                var doctors = participants.Where(p => p.Value == MatchmakingSide.Doctor).Select(p => p.Key).Order().ToList();
                var counsellors = participants.Where(p => p.Value == MatchmakingSide.Counsellor).Select(p => p.Key).Order().ToList();
                var profiles = await db.PracticeProfiles.AsNoTracking().Where(p => participants.Keys.Contains(p.MemberId)).ToDictionaryAsync(p => p.MemberId, ct);
                var schedule = MatchmakingScheduler.Schedule(doctors, counsellors, body.Rounds ?? 0,
                    (d, c) => PracticeFit.Between(profiles.GetValueOrDefault(d), profiles.GetValueOrDefault(c), now));
                if (!schedule.IsSuccess) return schedule.Error!.ToProblem();

                await db.MatchmakingMeetings.Where(m => m.EventId == id).ExecuteDeleteAsync(ct);
                db.MatchmakingMeetings.AddRange(schedule.Value!.Select(m => new MatchmakingMeeting(id, m)));
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "matchmaking.rounds_generated", "event", id, now, $"rounds={body.Rounds};meetings={schedule.Value!.Count}"));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Created($"/api/events/{id}/matchmaking/rounds", await ScheduleAsync(db, e, body.MinutesPerRound, ct));
            })
            .WithName("GenerateMatchmakingRounds").WithSummary("Generate an evening's matchmaking rounds").ProducesProblems(400, 401, 403, 404, 409)
            .WithDescription("Organizers. Replaces the schedule: every round pairs compatible doctors and counsellors who have not met, balancing how many meetings each gets; tables are numbered per round.");

        group.MapGet("/rounds", async Task<Results<Ok<ScheduleView>, ProblemHttpResult>> (
                Guid id, int? minutesPerRound, ClaimsPrincipal user, AppDbContext db, CancellationToken ct) =>
            {
                if (minutesPerRound is < 3 or > 120) return Problems.InvalidField("minutesPerRound", "From 3 to 120 minutes.", "matchmaking.invalid");
                if (await EveningAsync(db, id, user, ct) is not { } e) return EventErrors.NotFound.ToProblem();
                var me = user.RequiredMemberId();
                if (e.CanManage(user)) return TypedResults.Ok(await ScheduleAsync(db, e, minutesPerRound, ct));
                var participants = await ParticipantsAsync(db, id, ct);
                if (!participants.ContainsKey(me)) return EventErrors.NotFound.ToProblem();
                // A participant sees their own tables only.
                return TypedResults.Ok(await ScheduleAsync(db, e, minutesPerRound, ct, only: me));
            })
            .WithName("GetMatchmakingRounds").WithSummary("Get your matchmaking tables").ProducesProblems(401, 404)
            .WithDescription("Organizers see every table; a participant sees their own meetings.");

        group.MapPost("/selections", async Task<Results<Ok<MySelectionsView>, ProblemHttpResult>> (
                Guid id, SelectionsRequest body, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                if (await EveningAsync(db, id, user, ct) is null) return EventErrors.NotFound.ToProblem();
                var me = user.RequiredMemberId();
                var participants = await ParticipantsAsync(db, id, ct);
                if (!participants.TryGetValue(me, out var mySide)) return NotParticipant.ToProblem();
                var chosen = (body.MemberIds ?? []).Distinct().ToList();
                if (chosen.Count > 50) return Problems.InvalidField("memberIds", "At most 50.", "matchmaking.invalid");
                if (chosen.Where(c => !participants.TryGetValue(c, out var side) || side == mySide).Select(c => (Guid?)c).FirstOrDefault() is { } wrong)
                    return Error.Validation("matchmaking.invalid", new Dictionary<string, string[]> { ["memberIds"] = [$"{wrong} is not a participant on the other side."] }).ToProblem();

                var now = time.GetUtcNow();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.MatchmakingSelections.Where(s => s.EventId == id && s.ChooserId == me).ExecuteDeleteAsync(ct);
                db.MatchmakingSelections.AddRange(chosen.Select(c => new MatchmakingSelection(id, me, c, now)));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return TypedResults.Ok(await MineAsync(db, id, me, participants, now, ct));
            })
            .WithName("SelectMatchmakingPartners").WithSummary("Choose whom you would meet again").ProducesProblems(400, 401, 403, 404)
            .WithDescription("Replaces your choices. A match exists only when both chose each other; a one-sided choice is never shown to the one chosen.");

        group.MapGet("/selections", async Task<Results<Ok<MySelectionsView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                if (await EveningAsync(db, id, user, ct) is null) return EventErrors.NotFound.ToProblem();
                var me = user.RequiredMemberId();
                var participants = await ParticipantsAsync(db, id, ct);
                if (!participants.ContainsKey(me)) return NotParticipant.ToProblem();
                return TypedResults.Ok(await MineAsync(db, id, me, participants, time.GetUtcNow(), ct));
            })
            .WithName("GetMyMatchmakingSelections").WithSummary("Get your choices and mutual matches").ProducesProblems(401, 403, 404)
            .WithDescription("Confirmed participants of a matchmaking evening: whom you chose, and the mutual matches with their e-mail (each reveal goes to the access log). 404 `event.not_found`; 403 `matchmaking.not_participant`.");
    }

    /// <summary>The matchmaking event, when the caller may see it; null (404) for anything else.</summary>
    private static async Task<Event?> EveningAsync(AppDbContext db, Guid id, ClaimsPrincipal user, CancellationToken ct)
        => await db.FindAsync(id, ct) is { Kind: EventKind.Matchmaking } e && e.CanSee(user) ? e : null;

    /// <summary>Confirmed participants and their side (from the ticket type they hold).</summary>
    private static async Task<Dictionary<Guid, MatchmakingSide>> ParticipantsAsync(AppDbContext db, Guid eventId, CancellationToken ct)
        => await db.Registrations.AsNoTracking()
            .Where(r => r.EventId == eventId && r.Status == RegistrationStatus.Confirmed)
            .Join(db.TicketTypes.Where(t => t.Side != null), r => r.TicketTypeId, t => t.Id, (r, t) => new { r.MemberId, Side = t.Side!.Value })
            .ToDictionaryAsync(x => x.MemberId, x => x.Side, ct);

    private static async Task<ScheduleView> ScheduleAsync(AppDbContext db, Event e, int? minutesPerRound, CancellationToken ct, Guid? only = null)
    {
        var meetings = await db.MatchmakingMeetings.AsNoTracking().Where(m => m.EventId == e.Id && (only == null || m.DoctorId == only || m.CounsellorId == only))
            .OrderBy(m => m.Round).ThenBy(m => m.TableNo).ToListAsync(ct);
        var ids = meetings.SelectMany(m => new[] { m.DoctorId, m.CounsellorId }).Distinct().ToList();
        var names = await db.MemberProfiles.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var views = meetings.Select(m => new MeetingView(m.Round, m.TableNo,
            minutesPerRound is { } minutes ? EventTime.Of(e.StartsAt.AddMinutes((m.Round - 1) * minutes), e.TimeZone) : null,
            new Person(m.DoctorId, names.GetValueOrDefault(m.DoctorId), MatchmakingSide.Doctor),
            new Person(m.CounsellorId, names.GetValueOrDefault(m.CounsellorId), MatchmakingSide.Counsellor), m.Score)).ToList();
        var perParticipant = meetings.SelectMany(m => new[] { m.DoctorId, m.CounsellorId }).GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var mutual = 0;
        if (only is null)
        {
            var selections = await db.MatchmakingSelections.AsNoTracking().Where(s => s.EventId == e.Id).Select(s => new { s.ChooserId, s.ChosenId }).ToListAsync(ct);
            mutual = MatchmakingScheduler.Matches(selections.Select(s => (s.ChooserId, s.ChosenId))).Count;
        }
        return new ScheduleView(meetings.Count == 0 ? 0 : meetings.Max(m => m.Round), views, perParticipant, mutual);
    }

    /// <summary>My choices and my mutual matches, each with the other's contact; every reveal is logged.</summary>
    private static async Task<MySelectionsView> MineAsync(AppDbContext db, Guid eventId, Guid me, IReadOnlyDictionary<Guid, MatchmakingSide> participants, DateTimeOffset now, CancellationToken ct)
    {
        var selected = await db.MatchmakingSelections.AsNoTracking().Where(s => s.EventId == eventId && s.ChooserId == me).Select(s => s.ChosenId).ToListAsync(ct);
        // Mutual, among people still taking part (a cancelled registration ends the match).
        var mutual = (await db.MatchmakingSelections.AsNoTracking()
            .Where(s => s.EventId == eventId && s.ChosenId == me && selected.Contains(s.ChooserId)).Select(s => s.ChooserId).ToListAsync(ct))
            .Where(participants.ContainsKey).ToList();
        var people = await db.Users.AsNoTracking().Where(u => mutual.Contains(u.Id) && u.DeletedAt == null)
            .GroupJoin(db.MemberProfiles, u => u.Id, p => p.Id, (u, p) => new { u, p })
            .SelectMany(x => x.p.DefaultIfEmpty(), (x, p) => new { x.u.Id, x.u.Email, Name = p == null ? null : p.DisplayName })
            .ToListAsync(ct);
        var matches = people.OrderBy(p => p.Id).Select(p => new MatchView(new Person(p.Id, p.Name, participants[p.Id]), new ContactChannel(ContactKind.Email, p.Email!))).ToList();
        foreach (var m in matches) db.AuditEntries.Add(new AuditEntry(me, "matchmaking.contact_revealed", "member", m.With.MemberId, now, $"event={eventId}", subjectId: m.With.MemberId));
        if (matches.Count > 0) await db.SaveChangesAsync(ct);
        return new MySelectionsView(selected.Order().ToList(), matches);
    }
}
