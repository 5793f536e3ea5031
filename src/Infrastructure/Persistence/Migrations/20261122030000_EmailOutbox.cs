using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// The e-mail outbox: every message is a row written with the change that causes it, sent later by the dispatcher.
/// Written by hand; <c>Schema_from_migrations_equals_schema_from_model</c> proves it matches the model.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122030000_EmailOutbox")]
public sealed class EmailOutbox : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            CREATE TABLE outbox_emails (
                id uuid NOT NULL,
                "to" character varying(320) NOT NULL,
                subject character varying(500) NOT NULL,
                text_body text NOT NULL,
                html_body text,
                essential boolean NOT NULL,
                status character varying(20) NOT NULL,
                attempts integer NOT NULL,
                created_at timestamp with time zone NOT NULL,
                next_attempt_at timestamp with time zone NOT NULL,
                sent_at timestamp with time zone,
                last_error character varying(500),
                CONSTRAINT pk_outbox_emails PRIMARY KEY (id)
            );

            CREATE INDEX ix_outbox_emails_due ON outbox_emails (next_attempt_at) WHERE status = 'Pending';

            CREATE INDEX ix_outbox_emails_status_id ON outbox_emails (status, id);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE outbox_emails;");
    }
}
