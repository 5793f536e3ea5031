using System.Text.Json;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> builder)
    {
        builder.ToTable("Payments", t =>
        {
            t.HasCheckConstraint("ck_payments_amount", "amount_yen > 0");
            // Refund totals never exceed what was paid.
            t.HasCheckConstraint("ck_payments_refunds", "refunded_yen >= 0 AND refunded_yen <= amount_yen");
            // A ticket names its registration and event; dues name their plan; never both.
            t.HasCheckConstraint("ck_payments_purpose",
                "(purpose = 'Ticket' AND registration_id IS NOT NULL AND event_id IS NOT NULL AND plan_code IS NULL) OR (purpose = 'Dues' AND registration_id IS NULL AND event_id IS NULL AND plan_code IS NOT NULL)");
        });
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasOne<Registration>().WithMany().HasForeignKey(p => p.RegistrationId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(30);
        builder.Property(p => p.Purpose).HasConversion<string>().HasMaxLength(10);
        builder.HasOne<Domain.Memberships.MembershipPlan>().WithMany().HasForeignKey(p => p.PlanCode).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.PlanCode).HasMaxLength(40);
        builder.Ignore(p => p.Reference);
        builder.Property(p => p.CheckoutIdempotencyKey).HasMaxLength(100).IsRequired();
        builder.Property(p => p.CheckoutSessionId).HasMaxLength(255);
        builder.Property(p => p.CheckoutUrl).HasMaxLength(2000);
        builder.Property(p => p.PaymentIntentId).HasMaxLength(255);
        // Stored before the first attempt so a retry repeats the request exactly; jsonb, read only as a whole.
        builder.Property(p => p.CheckoutTerms).HasColumnType("jsonb").HasConversion(
            t => t == null ? null : TermsJson(t),
            s => s == null ? null : JsonSerializer.Deserialize<CheckoutTerms>(s, JsonOptions));
        builder.Ignore(p => p.IsSettled);
        builder.Ignore(p => p.KeepsHold);
        builder.Ignore(p => p.RefundableYen);
        // One payment per registration; Stripe's ids are unique too.
        builder.HasIndex(p => p.RegistrationId).IsUnique();
        builder.HasIndex(p => p.CheckoutSessionId).IsUnique();
        builder.HasIndex(p => p.EventId);
        // One payment of dues under way per member: a second request meets the first (and its session) instead of opening another.
        builder.HasIndex(p => p.MemberId).IsUnique().HasFilter("purpose = 'Dues' AND status IN ('CheckoutOpen', 'AwaitingAsyncPayment')")
            .HasDatabaseName("ix_payments_one_dues_under_way");
        // Reconciliation's queue: only payments with something to ask Stripe about.
        builder.HasIndex(p => p.NextCheckAt).HasFilter("next_check_at IS NOT NULL").HasDatabaseName("ix_payments_to_check");
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The stored form of a session's terms (for statements that write them directly).</summary>
    public static string TermsJson(CheckoutTerms terms) => JsonSerializer.Serialize(terms, JsonOptions);
}

public sealed class PaymentProblemConfiguration : IEntityTypeConfiguration<PaymentProblem>
{
    public void Configure(EntityTypeBuilder<PaymentProblem> builder)
    {
        builder.ToTable("PaymentProblems");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(p => p.StripeEventId).HasMaxLength(255);
        builder.Property(p => p.StripeObjectId).HasMaxLength(255);
        builder.Property(p => p.Detail).HasMaxLength(500).IsRequired();
        builder.HasIndex(p => p.EventId);
        builder.HasIndex(p => p.CreatedAt);
    }
}

/// <summary>A Stripe event already handled: its id is the deduplication key, written in the same transaction as its effect.</summary>
public sealed class ProcessedStripeEvent
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset ProcessedAt { get; set; }
}

public sealed class ProcessedStripeEventConfiguration : IEntityTypeConfiguration<ProcessedStripeEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedStripeEvent> builder)
    {
        builder.ToTable("ProcessedStripeEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(255);
        builder.Property(e => e.Type).HasMaxLength(100).IsRequired();
    }
}

public sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> builder)
    {
        builder.ToTable("Refunds", t =>
        {
            t.HasCheckConstraint("ck_refunds_amount", "amount_yen > 0");
            // A refund that failed always says why.
            t.HasCheckConstraint("ck_refunds_failure_reason", "status <> 'Failed' OR length(btrim(failure_reason)) > 0");
        });
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<Payment>().WithMany().HasForeignKey(r => r.PaymentId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Reason).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(100).IsRequired();
        builder.Property(r => r.StripeRefundId).HasMaxLength(255);
        builder.Property(r => r.FailureReason).HasMaxLength(300);
        builder.Property(r => r.LastError).HasMaxLength(300);
        builder.Ignore(r => r.IsUnsettled);
        builder.HasIndex(r => r.StripeRefundId).IsUnique();
        builder.HasIndex(r => new { r.EventId, r.Status });
        builder.HasIndex(r => r.CreatedAt).HasFilter("status IN ('Requested', 'Unknown')").HasDatabaseName("ix_refunds_to_send");
        // One refund per registration for each automatic reason, so a re-run cannot add a second.
        builder.HasIndex(r => new { r.RegistrationId, r.Reason }).IsUnique().HasFilter("reason IN ('EventCancelled', 'LatePaymentNoSeat', 'MemberCancelled')")
            .HasDatabaseName("ix_refunds_one_automatic_per_reason");
    }
}
