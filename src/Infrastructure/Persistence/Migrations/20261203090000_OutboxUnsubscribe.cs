using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>The List-Unsubscribe link of mail a member may turn off (reminders, organizers' messages).</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261203090000_OutboxUnsubscribe")]
public sealed class OutboxUnsubscribe : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
        => migrationBuilder.Sql("ALTER TABLE outbox_emails ADD COLUMN unsubscribe_url character varying(1000);");

    protected override void Down(MigrationBuilder migrationBuilder)
        => migrationBuilder.Sql("ALTER TABLE outbox_emails DROP COLUMN unsubscribe_url;");
}
