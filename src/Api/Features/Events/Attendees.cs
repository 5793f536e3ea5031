using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Api.Common.Csv;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Events;

/// <summary>One attendee as the organizers see them. Profile fields the member keeps from other members are absent.</summary>
public sealed record AttendeeView(
    Guid RegistrationId,
    Guid MemberId,
    string? DisplayName,
    string? NameKana,
    string? Organisation,
    IReadOnlyList<Profession>? Professions,
    string TicketTypeName,
    int Quantity,
    RegistrationStatus Status,
    int AmountYen,
    DateTimeOffset RegisteredAt,
    IReadOnlyList<DateTimeOffset> CheckedInAt,
    IReadOnlyList<Answer> Answers);

public static class ListAttendees
{
    public sealed class Handler(AppDbContext db, Members.Viewers viewers)
    {
        /// <summary>Active registrations (confirmed, held, waiting for approval), oldest first; a page of them, or all (for the CSV).</summary>
        public async Task<Result<(Event Event, IReadOnlyList<AttendeeView> Attendees)>> HandleAsync(
            ClaimsPrincipal user, Guid eventId, CancellationToken cancellationToken, Guid? after = null, int? take = null)
        {
            var e = await db.FindAsync(eventId, cancellationToken);
            if (EventAccess.ManageError(e, user) is { } denied) return denied;
            var active = db.Registrations.AsNoTracking()
                .Where(RegistrationStatuses.ActiveRegistration)
                .Where(r => r.EventId == eventId);
            if (after is { } a) active = active.Where(r => r.Id.CompareTo(a) > 0);
            active = active.OrderBy(r => r.Id);
            if (take is { } t) active = active.Take(t);
            var rows = await active
                .GroupJoin(db.MemberProfiles, r => r.MemberId, p => p.Id, (r, p) => new { r, p })
                .SelectMany(x => x.p.DefaultIfEmpty(), (x, p) => new { x.r, p })
                .ToListAsync(cancellationToken);
            var ids = rows.Select(x => x.r.Id).ToList();
            var checkIns = (await db.CheckIns.AsNoTracking().Where(c => ids.Contains(c.RegistrationId)).ToListAsync(cancellationToken))
                .ToLookup(c => c.RegistrationId, c => c.CheckedInAt);
            // Organizers see each field at the level they are entitled to — a co-organizer who is not a verified
            // professional does not see fields kept for verified professionals — and never "only me" fields,
            // admins included.
            var level = await viewers.LevelOfAsync(user, cancellationToken);
            var viewer = level > ViewerLevel.VerifiedProfessional ? ViewerLevel.VerifiedProfessional : level;
            var attendees = rows.Select(x => new AttendeeView(
                x.r.Id, x.r.MemberId, x.p?.DisplayName,
                x.p is not null && x.p.Shows(ProfileField.NameKana, viewer) ? x.p.NameKana : null,
                x.p is not null && x.p.Shows(ProfileField.Organisation, viewer) ? x.p.Organisation : null,
                x.p is not null && x.p.Shows(ProfileField.Professions, viewer) ? x.p.Professions : null,
                e!.TicketTypes.First(t => t.Id == x.r.TicketTypeId).Name, x.r.Quantity, x.r.Status, x.r.AmountYen, x.r.CreatedAt,
                checkIns[x.r.Id].Order().ToList(), x.r.Answers)).ToList();
            return (e!, attendees);
        }
    }

    /// <summary>
    /// The attendee list as CSV for Excel: UTF-8 with BOM, formulas neutralised, one column per question (as the
    /// organizer wrote it). Headers, statuses and professions in Japanese, or English throughout.
    /// </summary>
    public static byte[] ToCsv(Event e, IReadOnlyList<AttendeeView> attendees, PreferredLanguage language)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(e.TimeZone);
        string Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var header = language == PreferredLanguage.En
            ? new List<string> { "Registration ID", "Name", "Name (kana)", "Organisation", "Professions", "Ticket", "Quantity", "Status", "Amount (JPY)", "Registered at", "Checked in" }
            : new List<string> { "申込ID", "氏名", "ふりがな", "所属", "職種", "チケット", "枚数", "状態", "金額(円)", "申込日時", "チェックイン" };
        header.AddRange(e.Questions.Select(q => q.Text));
        var rows = attendees.Select(a =>
        {
            var row = new List<string?>
            {
                a.RegistrationId.ToString(), a.DisplayName, a.NameKana, a.Organisation,
                a.Professions is null ? null : string.Join(" / ", a.Professions.Select(p => Labels.Of(p, language))),
                a.TicketTypeName, a.Quantity.ToString(CultureInfo.InvariantCulture), Labels.Of(a.Status, language),
                a.AmountYen.ToString(CultureInfo.InvariantCulture), Local(a.RegisteredAt),
                string.Join(" / ", a.CheckedInAt.Select(Local)),
            };
            row.AddRange(e.Questions.Select(q => a.Answers.FirstOrDefault(x => x.QuestionId == q.Id) is { } answer
                ? answer.Text ?? string.Join(" / ", answer.Choices ?? [])
                : null));
            return (IReadOnlyList<string?>)row;
        });
        return CsvWriter.Write(header, rows);
    }
}

public static class CheckInAttendee
{
    public sealed record Request([Required] string? Code, Guid? SessionId);

    /// <summary>A scan at the door. The second scan of the same code for the same session records nothing new.</summary>
    public sealed record Response(Guid RegistrationId, Guid SessionId, string? DisplayName, string TicketTypeName, bool AlreadyCheckedIn, DateTimeOffset CheckedInAt, string Message);

    public sealed class Handler(AppDbContext db, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, Guid eventId, Request request, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Length > 64)
                return Error.Validation("checkin.invalid", new Dictionary<string, string[]> { ["code"] = ["Scan or type the attendee's code."] });
            var e = await db.FindAsync(eventId, cancellationToken);
            if (EventAccess.ManageError(e, user) is { } denied) return denied;
            var now = time.GetUtcNow();
            var code = request.Code.Trim().ToUpperInvariant();
            var registration = await db.Registrations.AsNoTracking().SingleOrDefaultAsync(r => r.EventId == eventId && r.CheckInCode == code, cancellationToken);
            if (registration is null) return RegistrationErrors.UnknownCode;
            if (registration.Status != RegistrationStatus.Confirmed) return RegistrationErrors.NotCheckInable;

            // The session asked for, or the one nearest to now (a single event has one).
            var session = request.SessionId is { } sid
                ? e!.Sessions.FirstOrDefault(s => s.Id == sid)
                : e!.Sessions.OrderBy(s => Math.Abs((s.StartsAt - now).Ticks)).First();
            if (session is null) return RegistrationErrors.UnknownSession;

            var name = await db.MemberProfiles.Where(p => p.Id == registration.MemberId).Select(p => p.DisplayName).SingleOrDefaultAsync(cancellationToken);
            var ticket = e.TicketTypes.First(t => t.Id == registration.TicketTypeId).Name;
            var inserted = await db.Database.ExecuteSqlAsync(
                $"INSERT INTO check_ins (id, registration_id, session_id, checked_in_by, checked_in_at) VALUES ({Guid.CreateVersion7(now)}, {registration.Id}, {session.Id}, {user.RequiredMemberId()}, {now}) ON CONFLICT (registration_id, session_id) DO NOTHING",
                cancellationToken);
            if (inserted == 1) return new Response(registration.Id, session.Id, name, ticket, false, now, "チェックインしました / Checked in.");
            var at = await db.CheckIns.Where(c => c.RegistrationId == registration.Id && c.SessionId == session.Id).Select(c => c.CheckedInAt).SingleAsync(cancellationToken);
            var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(e.TimeZone)).ToString("HH:mm", CultureInfo.InvariantCulture);
            return new Response(registration.Id, session.Id, name, ticket, true, at, $"{local} にチェックイン済みです / Already checked in at {local}.");
        }
    }
}
