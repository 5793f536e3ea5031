using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Common;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Assemble.Api.Common.OpenApi;

namespace Assemble.Api.Features.Registrations;

public static class RegistrationsEndpoints
{
    public static IServiceCollection AddRegistrations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SeatExpiryOptions>().Bind(configuration.GetSection(SeatExpiryOptions.Section));
        return services
            .AddScoped<SeatKeeper>()
            .AddScoped<RegistrationChanges>()
            .AddScoped<RegisterForEvent.Handler>()
            .AddScoped<GetRegistration.Handler>()
            .AddScoped<ListMyRegistrations.Handler>()
            .AddScoped<CancelRegistration.Handler>()
            .AddScoped<RemoveRegistration.Handler>()
            .AddScoped<ApproveRegistration.Handler>()
            .AddScoped<DeclineRegistration.Handler>()
            .AddScoped<GetRegistrationQr.Handler>()
            .AddScoped<JoinWaitlist.Handler>()
            .AddScoped<LeaveWaitlist.Handler>()
            .AddScoped<GetMyWaitlistPlace.Handler>()
            .AddScoped<RespondToWaitlistOffer.Handler>();
    }

    public static void MapRegistrationsEndpoints(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/events/{eventId:guid}").WithTags("Registrations").RequireAuthorization();
        events.MapPost("/registrations", async Task<Results<Created<RegistrationView>, Accepted<RegistrationView>, ProblemHttpResult>> (
                Guid eventId, RegisterForEvent.Request request, ClaimsPrincipal user, RegisterForEvent.Handler handler,
                HttpContext http, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, eventId, request, ct);
                if (!result.IsSuccess) return SoldOutAware(result.Error!);
                var (r, unavailable) = await WithCheckoutAsync(result.Value!, http.RequestServices, ct);
                var location = $"/api/registrations/{r.Id}";
                if (unavailable is not null) return Payments.PaymentsEndpoints.CheckoutUnavailable(http, r, unavailable);
                return r.Status == Domain.Events.RegistrationStatus.Confirmed ? TypedResults.Created(location, r) : TypedResults.Accepted(location, r);
            })
            .WithIdempotency()
            .WithName(nameof(RegisterForEvent)).WithSummary("Register for an event").ProducesProblems(400, 401, 404, 409, 422, 503)
            .WithBodyExample("""
                {"ticketTypeId": "0193b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b", "quantity": 1,
                 "answers": [{"questionId": "0193b3c4-5d6e-7f80-9a1b-2c3d4e5f6a70", "text": "児童福祉施設で心理職をしています"}],
                 "pledgeAccepted": true}
                """)
            .WithDescription("201 confirmed (free), 202 held for payment (with checkoutUrl) or waiting for approval. 503 payment.unavailable: the seat "
                + "is held (registrationId, holdExpiresAt) but Stripe did not answer in time; POST the retry address. Send an Idempotency-Key header to retry safely.");
        events.MapPost("/waitlist", async Task<Results<Created<WaitlistView>, ProblemHttpResult>> (
                Guid eventId, JoinWaitlist.Request request, ClaimsPrincipal user, JoinWaitlist.Handler handler, CancellationToken ct) =>
                Created(await handler.HandleAsync(user, eventId, request, ct), $"/api/events/{eventId}/waitlist"))
            .WithIdempotency()
            .WithName(nameof(JoinWaitlist)).WithSummary("Join an event's waitlist")
            .WithDescription("Members, for a sold-out ticket type: places are offered in the order of joining, each offer holding the seat until its deadline (mailed). 409 `waitlist.not_sold_out`, `waitlist.already_waiting`. Send an Idempotency-Key header to retry safely.").ProducesProblems(400, 401, 404, 409, 422);
        events.MapGet("/waitlist", async Task<Results<Ok<WaitlistView>, ProblemHttpResult>> (
                Guid eventId, ClaimsPrincipal user, GetMyWaitlistPlace.Handler handler, CancellationToken ct) =>
                (await handler.HandleAsync(user, eventId, ct)).ToOk())
            .WithName(nameof(GetMyWaitlistPlace)).WithSummary("Get your place on an event's waitlist").ProducesProblems(401, 404)
            .WithDescription("The member's own place while waiting (position 1 is next) or holding an offer (with its deadline). 404 `waitlist.not_waiting` when not on this event's waitlist.");
        events.MapDelete("/waitlist", async Task<Results<NoContent, ProblemHttpResult>> (
                Guid eventId, ClaimsPrincipal user, LeaveWaitlist.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, eventId, ct);
                return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .WithName(nameof(LeaveWaitlist)).WithSummary("Leave an event's waitlist")
            .WithDescription("Gives up your place (and an open offer). 404 `waitlist.not_waiting`.").ProducesProblems(401, 404);

        var registrations = app.MapGroup("/api/registrations/{id:guid}").WithTags("Registrations").RequireAuthorization();
        registrations.MapGet("/", async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, GetRegistration.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, ct)).ToOk())
            .WithName(nameof(GetRegistration)).WithSummary("Get a registration").ProducesProblems(401, 404)
            .WithDescription("Its member and the event's organizers: status, ticket, amount, hold deadline, check-in code and check-ins. 404 `registration.not_found` for anyone else.");
        registrations.MapPost("/cancel", async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, CancelRegistration.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, ct)).ToOk())
            .WithName(nameof(CancelRegistration)).WithSummary("Cancel your registration")
            .WithDescription("The member: the seat goes to the first in line on the waitlist; a paid registration is refunded, less the cancellation fee if there is one. 409 `registration.not_cancellable`; 422 `registration.cancellation_closed` after the event's cancellation deadline.").ProducesProblems(401, 404, 409, 422);
        registrations.MapPost("/remove", async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> (
                Guid id, RemoveRegistration.Request request, ClaimsPrincipal user, RemoveRegistration.Handler handler, CancellationToken ct) =>
                (await handler.HandleAsync(user, id, request, ct)).ToOk())
            .WithName(nameof(RemoveRegistration)).WithSummary("Remove an attendee's registration")
            .WithDescription("The event's organizers, with a reason the member is told: the seat goes to the first in line; a paid registration is refunded.").ProducesProblems(400, 401, 403, 404, 409, 422);
        registrations.MapPost("/approve", async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, ApproveRegistration.Handler handler, CancellationToken ct) => (await handler.HandleAsync(user, id, ct)).ToOk())
            .WithName(nameof(ApproveRegistration)).WithSummary("Approve a registration")
            .WithDescription("The event's organizers, for an event that needs approval: the member is told, and the seat is theirs. 409 `registration.not_pending_approval`.").ProducesProblems(401, 403, 404, 409);
        registrations.MapPost("/decline", async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> (
                Guid id, DeclineRegistration.Request request, ClaimsPrincipal user, DeclineRegistration.Handler handler, CancellationToken ct) =>
                (await handler.HandleAsync(user, id, request, ct)).ToOk())
            .WithName(nameof(DeclineRegistration)).WithSummary("Decline a registration")
            .WithDescription("The event's organizers, with an optional reason the member is told. 409 `registration.not_pending_approval`.").ProducesProblems(401, 403, 404, 409);
        registrations.MapGet("/qr", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, GetRegistrationQr.Handler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(user, id, ct);
                return result.IsSuccess ? TypedResults.File(result.Value!, "image/png") : result.Error!.ToProblem();
            })
            .WithName(nameof(GetRegistrationQr)).WithSummary("Get a registration's check-in QR code")
            .WithDescription("The member's check-in code as a PNG QR code, for a confirmed registration (422 otherwise).").ProducesBinary("image/png").ProducesProblems(401, 404, 422);

        app.MapGet("/api/me/registrations", async Task<Results<Ok<Page<RegistrationView>>, ProblemHttpResult>> (
                ClaimsPrincipal user, ListMyRegistrations.Handler handler, CancellationToken ct, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                return TypedResults.Ok(await handler.HandleAsync(user, after, take, ct));
            })
            .RequireAuthorization().WithTags("Registrations").WithName(nameof(ListMyRegistrations)).WithSummary("List your registrations").ProducesProblems(400, 401)
            .WithDescription("Your own registrations, newest first, keyset-paginated (`cursor`, `limit` 1 to 100, default 20). 400 `request.invalid_cursor` or `request.invalid` (limit).");

        var offers = app.MapGroup("/api/waitlist-offers/{id:guid}").WithTags("Registrations").RequireAuthorization();
        offers.MapPost("/accept", async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, RespondToWaitlistOffer.Handler handler, HttpContext http, CancellationToken ct) =>
            {
                var result = await handler.AcceptAsync(user, id, ct);
                if (!result.IsSuccess) return result.Error!.ToProblem();
                var (r, unavailable) = await WithCheckoutAsync(result.Value!, http.RequestServices, ct);
                return unavailable is null ? TypedResults.Ok(r) : Payments.PaymentsEndpoints.CheckoutUnavailable(http, r, unavailable);
            })
            .WithName("AcceptWaitlistOffer").WithSummary("Accept a waitlist offer")
            .WithDescription("The member the offer was made to, before its deadline: the held seat becomes your registration. 409 `waitlist.offer_not_open` or `waitlist.offer_expired`; 503 when payment cannot start.").ProducesProblems(401, 404, 409, 503);
        offers.MapPost("/decline", async Task<Results<Ok<WaitlistView>, ProblemHttpResult>> (
                Guid id, ClaimsPrincipal user, RespondToWaitlistOffer.Handler handler, CancellationToken ct) => (await handler.DeclineAsync(user, id, ct)).ToOk())
            .WithName("DeclineWaitlistOffer").WithSummary("Decline a waitlist offer")
            .WithDescription("The seat is offered to the next in line. 409 `waitlist.offer_not_open`.").ProducesProblems(401, 404, 409);
    }

    /// <summary>
    /// A seat held for payment gets its checkout address (after the seat is committed; never under the lock). The
    /// checkout handler is resolved here, not injected: a free registration never builds the payment chain.
    /// </summary>
    private static async Task<(RegistrationView View, Error? Unavailable)> WithCheckoutAsync(RegistrationView view, IServiceProvider services, CancellationToken ct)
    {
        if (view.Status != Domain.Events.RegistrationStatus.PendingPayment) return (view, null);
        var payment = await services.GetRequiredService<Payments.StartCheckout.Handler>().HandleAsync(view.Id, ct);
        return payment.IsSuccess
            ? (view with { CheckoutUrl = payment.Value!.CheckoutUrl, HoldExpiresAt = payment.Value.CheckoutExpiresAt ?? view.HoldExpiresAt }, null)
            : (view, payment.Error);
    }

    /// <summary>Sold out says where to go next: the waitlist.</summary>
    private static ProblemHttpResult SoldOutAware(Error error)
    {
        var problem = error.ToProblem();
        if (error == Domain.Events.RegistrationErrors.SoldOut) problem.ProblemDetails.Extensions["waitlistOpen"] = true;
        return problem;
    }


    private static Results<Created<T>, ProblemHttpResult> Created<T>(Result<T> result, string location)
        => result.IsSuccess ? TypedResults.Created(location, result.Value!) : result.Error!.ToProblem();
}
