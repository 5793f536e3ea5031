using Assemble.Domain.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class MembershipPlanConfiguration : IEntityTypeConfiguration<MembershipPlan>
{
    public void Configure(EntityTypeBuilder<MembershipPlan> builder)
    {
        builder.ToTable("MembershipPlans", t =>
        {
            t.HasCheckConstraint("ck_membership_plans_price", $"price_yen BETWEEN 0 AND {MembershipPlan.MaxPriceYen}");
            t.HasCheckConstraint("ck_membership_plans_code", "code ~ '^[a-z][a-z0-9-]{1,39}$'");
        });
        builder.HasKey(p => p.Code);
        builder.Property(p => p.Code).HasMaxLength(40);
        builder.Property(p => p.Name).HasMaxLength(MembershipPlan.MaxNameLength);
        builder.PrimitiveCollection(p => p.Professions).IsRequired().ElementType(t => t.HasConversion<string>());
        builder.Property(p => p.Validity).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.Tax).HasConversion<string>().HasMaxLength(20);
    }
}
