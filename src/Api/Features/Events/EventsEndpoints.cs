using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Microsoft.AspNetCore.Http.HttpResults;
using Assemble.Api.Common.OpenApi;

namespace Assemble.Api.Features.Events;

public static class EventsEndpoints
{
    public const string OrganizerPolicy = "organizer";

    public static IServiceCollection AddEvents(this IServiceCollection services, IConfiguration configuration) => services
        .Configure<ListingOptions>(configuration.GetSection(ListingOptions.Section))
        .AddScoped<ScheduleEvent.Handler>()
        .AddScoped<UpdateEvent.Handler>()
        .AddScoped<PublishEvent.Handler>()
        .AddScoped<CancelEvent.Handler>()
        .AddScoped<GetEvent.Handler>()
        .AddScoped<ListEvents.Handler>()
        .AddSingleton<ListingCache>()
        .AddScoped<GetAttendeeInfo.Handler>()
        .AddScoped<ListAttendees.Handler>()
        .AddScoped<CheckInAttendee.Handler>()
        .AddScoped<GetEventCalendar.Handler>()
        .AddScoped<CalendarFeeds.CreateHandler>()
        .AddScoped<CalendarFeeds.RevokeHandler>()
        .AddScoped<CalendarFeeds.FeedHandler>();

    public static void AddOrganizerPolicy(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
        => options.AddPolicy(OrganizerPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Organizer, Roles.Admin));

    public static void MapEventsEndpoints(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/events").WithTags("Events");

        events.MapGet("/", async Task<Results<Ok<Page<EventSummary>>, ProblemHttpResult>> (
                ListEvents.Handler handler, string? kind, string? format, string? prefecture, DateTimeOffset? from, DateTimeOffset? to,
                string? audience, bool? free, bool? hasSeats, string? q, string? cursor, int? limit) =>
            {
                if (!Cursor.TryReadTimed(cursor, limit, out var after, out var take, out var problem)) return problem!;
                if (!QueryValues.TryEnum<EventKind>(kind, "kind", out var k, out problem)) return problem!;
                if (!QueryValues.TryEnum<EventFormat>(format, "format", out var f, out problem)) return problem!;
                if (!QueryValues.TryEnum<Prefecture>(prefecture, "prefecture", out var p, out problem)) return problem!;
                if (!QueryValues.TryEnum<Audience>(audience, "audience", out var a, out problem)) return problem!;
                if (q?.Length > 100) return Problems.InvalidField("q", "Use at most 100 characters.");
                if (from is { } fr && to is { } t && t <= fr) return Problems.InvalidField("to", "'to' must be after 'from'.");
                return TypedResults.Ok(await handler.HandleAsync(new ListEvents.Query(k, f, p, from?.ToUniversalTime(), to?.ToUniversalTime(), a, free, hasSeats, q, after, take)));
            })
            .WithName(nameof(ListEvents)).WithSummary("List published events").ProducesProblems(400)
            .WithDescription("Published events by start time (upcoming unless 'from' says otherwise), with seats left.");

        events.MapGet("/{id:guid}", async Task<Results<Ok<EventView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, GetEvent.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, ct)).ToOk())
            .WithName(nameof(GetEvent)).WithSummary("Get an event").ProducesProblems(404)
            .WithDescription("Anyone, signed in or not, once the event is published; a draft only to its organizers and admins. Times in UTC and in the event's zone, ticket types and seats left; never the join URL (see attendee-info). 404 `event.not_found`.");

        events.MapGet("/{id:guid}.ics", async Task<Results<ContentHttpResult, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, GetEventCalendar.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, ct);
                return result.IsSuccess ? TypedResults.Text(result.Value!, "text/calendar; charset=utf-8") : result.Error!.ToProblem();
            })
            .WithName(nameof(GetEventCalendar)).WithSummary("Get an event as iCalendar").ProducesText("text/calendar").ProducesProblems(404)
            .WithDescription("Whoever may see the event: one VEVENT (one per session for a coaching cohort) to add to a calendar; never the join URL (your private feed has it). 404 `event.not_found`.");

        var organize = events.MapGroup("").RequireAuthorization();
        organize.MapPost("/", async Task<Results<Created<EventView>, ProblemHttpResult>> (
                EventRequest request, ClaimsPrincipal user, ScheduleEvent.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, request, ct);
                return result.IsSuccess ? TypedResults.Created($"/api/events/{result.Value!.Id}", result.Value) : result.Error!.ToProblem();
            })
            .RequireAuthorization(OrganizerPolicy)
            .WithName(nameof(ScheduleEvent)).WithSummary("Create an event (a draft)").ProducesProblems(400, 401, 403, 422)
            .WithDescription("Creates a draft, which nobody else sees until it is published. Organizers and admins only. Give startsAt and endsAt, "
                + "or sessions for a coaching cohort; times carry their offset and timeZone (IANA, default Asia/Tokyo) says how they are shown.")
            .WithBodyExample("""
                {"kind": "studySession", "format": "online", "title": "相談記録の書き方 勉強会",
                 "description": "支援記録をどう書くか、事例をもとに学びます。", "timeZone": "Asia/Tokyo",
                 "startsAt": "2026-12-08T19:00:00+09:00", "endsAt": "2026-12-08T21:00:00+09:00",
                 "onlineJoinUrl": "https://zoom.example/j/8123456789", "capacity": 40,
                 "ticketTypes": [{"name": "一般", "priceYen": 0}]}
                """);
        organize.MapPut("/{id:guid}", async Task<Results<Ok<EventView>, ProblemHttpResult>> (
                Guid id, EventRequest request, ClaimsPrincipal user, UpdateEvent.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, request, ct)).ToOk())
            .WithName(nameof(UpdateEvent)).WithSummary("Replace an event")
            .WithDescription("The event's organizers and co-organizers: replaces the event (the body is the one that creates it). Capacity and quotas cannot drop below the seats taken (409 `event.capacity_below_taken`, `event.quota_below_taken`); 409 `event.cancelled`; 422 for a broken rule (`event.started`, `event.join_url_required`, `event.venue_required`). Attendees are told of a new time or place.").ProducesProblems(400, 401, 403, 404, 409, 422);
        organize.MapPost("/{id:guid}/publish", async Task<Results<Ok<EventView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, PublishEvent.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, ct)).ToOk())
            .WithName(nameof(PublishEvent)).WithSummary("Publish an event")
            .WithDescription("The event's organizers: a draft becomes visible in the listing and open for registration. 409 `event.not_draft`; 422 for what a published event needs (`event.no_ticket_types`, `event.join_url_required`, `event.venue_required`, `event.panel_incomplete`).").ProducesProblems(401, 403, 404, 409, 422);
        organize.MapPost("/{id:guid}/cancel", async Task<Results<Ok<EventView>, ProblemHttpResult>> (
                Guid id, CancelEvent.Request request, ClaimsPrincipal user, CancelEvent.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, request, ct)).ToOk())
            .WithName(nameof(CancelEvent)).WithSummary("Cancel an event")
            .WithDescription("The event's organizers, with a reason: every registration is cancelled (paid ones refunded), the waitlist closed and everyone told by mail. 409 `event.cancelled`.").ProducesProblems(400, 401, 403, 404, 409, 422);
        organize.MapGet("/{id:guid}/attendee-info", async Task<Results<Ok<AttendeeInfoView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, GetAttendeeInfo.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, ct)).ToOk())
            .WithName(nameof(GetAttendeeInfo)).WithSummary("Get attendee-only information")
            .WithDescription("Confirmed attendees, speakers and panelists, and the organizers: the join URL, materials and room notes. 403 `event.attendees_only` for anyone else who can see the event.").ProducesProblems(401, 403, 404);
        organize.MapGet("/{id:guid}/attendees", async Task<Results<Ok<Page<AttendeeView>>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, ListAttendees.Handler handler, CancellationToken ct, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                var result = await handler.HandleAsync(user, id, ct, after, take + 1);
                return result.IsSuccess ? TypedResults.Ok(Cursor.ToPage(result.Value.Attendees, take, a => a.RegistrationId)) : result.Error!.ToProblem();
            })
            .WithName(nameof(ListAttendees)).WithSummary("List an event's attendees")
            .WithDescription("The event's organizers: registrations with their status, ticket type, answers and check-ins, keyset-paginated.").ProducesProblems(400, 401, 403, 404);
        organize.MapGet("/{id:guid}/attendees.csv", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, ListAttendees.Handler handler, CancellationToken ct, string? lang) =>
            {
                if (!QueryValues.TryEnum<PreferredLanguage>(lang, "lang", out var language, out var problem)) return problem!;
                var result = await handler.HandleAsync(user, id, ct);
                return result.IsSuccess
                    ? TypedResults.File(ListAttendees.ToCsv(result.Value.Event, result.Value.Attendees, language ?? PreferredLanguage.Ja), "text/csv; charset=utf-8", $"attendees-{id}.csv")
                    : result.Error!.ToProblem();
            })
            .WithName("ExportAttendees").WithSummary("Export an event's attendees as CSV")
            .WithDescription("The event's organizers: the attendee list as CSV, UTF-8 with a BOM for Excel, formulas neutralised.").ProducesText("text/csv").ProducesProblems(400, 401, 403, 404);
        organize.MapPost("/{id:guid}/check-ins", async Task<Results<Created<CheckInAttendee.Response>, Ok<CheckInAttendee.Response>, ProblemHttpResult>> (
                Guid id, CheckInAttendee.Request request, ClaimsPrincipal user, CheckInAttendee.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, request, ct);
                if (!result.IsSuccess) return result.Error!.ToProblem();
                return result.Value!.AlreadyCheckedIn ? TypedResults.Ok(result.Value) : TypedResults.Created($"/api/registrations/{result.Value.RegistrationId}", result.Value);
            })
            .WithName(nameof(CheckInAttendee)).WithSummary("Check an attendee in").ProducesProblems(400, 401, 403, 404, 422)
            .WithDescription("201 on the first scan; 200 with alreadyCheckedIn on a repeat, which records nothing new.");

        var calendar = app.MapGroup("/api").WithTags("Registrations");
        calendar.MapPost("/me/calendar-feed", async (ClaimsPrincipal user, CalendarFeeds.CreateHandler handler, CancellationToken ct)
                => TypedResults.Ok(await handler.HandleAsync(user, ct)))
            .RequireAuthorization().WithName("CreateCalendarFeed").WithSummary("Create your private calendar feed").ProducesProblems(401)
            .WithDescription("Creates (or replaces) your private calendar feed's absolute address; the old one stops working.");
        calendar.MapDelete("/me/calendar-feed", async (ClaimsPrincipal user, CalendarFeeds.RevokeHandler handler, CancellationToken ct) =>
            {
                await handler.HandleAsync(user, ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization().WithName("RevokeCalendarFeed").WithSummary("Revoke your private calendar feed")
            .WithDescription("The feed's address stops working at once; a new one can be created.").ProducesProblems(401);
        calendar.MapGet("/calendar/{token}.ics", async Task<Results<ContentHttpResult, ProblemHttpResult>> (
                string token, HttpResponse response, CalendarFeeds.FeedHandler handler, CancellationToken ct) =>
            {
                // The address is the credential and the feed holds join URLs: no cache may keep either.
                response.Headers.CacheControl = "no-store";
                var result = await handler.HandleAsync(token, ct);
                return result.IsSuccess ? TypedResults.Text(result.Value!, "text/calendar; charset=utf-8") : result.Error!.ToProblem();
            })
            .WithName("GetMemberCalendar").WithSummary("Get a private calendar feed")
            .WithDescription("The private feed's address is the credential (no sign-in): your confirmed events with their join URLs, served with `Cache-Control: no-store`. 404 for a revoked or unknown address.").ProducesText("text/calendar").ProducesProblems(404);
    }

}
