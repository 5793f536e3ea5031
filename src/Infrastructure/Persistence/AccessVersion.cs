using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// One row whose version deferred triggers bump at the commit of any change to who may do what: a member's roles or
/// security stamp (migration AccessVersion). Each process keeps its snapshot of roles and recently changed stamps
/// under it, so a change made through any process, or straight in SQL, reaches every process.
/// </summary>
public sealed class AccessVersion
{
    public int Id { get; private set; }
    public long Version { get; private set; }
}

public sealed class AccessVersionConfiguration : IEntityTypeConfiguration<AccessVersion>
{
    public void Configure(EntityTypeBuilder<AccessVersion> builder)
    {
        builder.ToTable("AccessVersions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
    }
}
