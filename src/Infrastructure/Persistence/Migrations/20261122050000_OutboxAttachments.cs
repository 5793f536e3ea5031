using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>One text attachment per outbox message (the iCalendar file of a confirmation). The schema test checks it.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122050000_OutboxAttachments")]
public sealed class OutboxAttachments : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            ALTER TABLE outbox_emails
                ADD COLUMN attachment_name character varying(200),
                ADD COLUMN attachment_content_type character varying(100),
                ADD COLUMN attachment_content text;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE outbox_emails DROP COLUMN attachment_name, DROP COLUMN attachment_content_type, DROP COLUMN attachment_content;");
    }
}
