using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class VersionRowConfiguration : IEntityTypeConfiguration<VersionRow>
{
    public void Configure(EntityTypeBuilder<VersionRow> builder)
    {
        builder.ToTable("VersionRows");
        builder.HasKey(v => v.Name);
        builder.Property(v => v.Name).HasMaxLength(40);
    }
}
