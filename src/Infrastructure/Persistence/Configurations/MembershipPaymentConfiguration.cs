using Assemble.Domain.Memberships;
using Assemble.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class MembershipPaymentConfiguration : IEntityTypeConfiguration<MembershipPayment>
{
    public void Configure(EntityTypeBuilder<MembershipPayment> builder)
    {
        builder.ToTable("MembershipPayments", t =>
        {
            t.HasCheckConstraint("ck_membership_payments_period", "starts_on <= ends_on");
            t.HasCheckConstraint("ck_membership_payments_amount", "amount_yen >= 0");
        });
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(p => p.MemberId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<MembershipPlan>().WithMany().HasForeignKey(p => p.PlanCode).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.PlanCode).HasMaxLength(40);
        builder.Property(p => p.Method).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Reference).HasMaxLength(MembershipPayment.MaxReferenceLength);
        builder.Ignore(p => p.Period);
        builder.HasIndex(p => new { p.MemberId, p.StartsOn });
        // One membership payment per card payment: Stripe reporting the money twice can never add a second period.
        builder.HasOne<Domain.Payments.Payment>().WithMany().HasForeignKey(p => p.PaymentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => p.PaymentId).IsUnique();
        // Dues refunded in full keep no membership: every query leaves them out (RuleSql.MembershipActiveOn repeats it
        // for raw SQL). The member's own view and the data export read them with IgnoreQueryFilters.
        builder.HasQueryFilter(p => p.VoidedAt == null);
    }
}
