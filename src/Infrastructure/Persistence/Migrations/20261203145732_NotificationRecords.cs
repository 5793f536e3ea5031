using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NotificationRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The outbox of domain events keeps its rows (the record of what happened) under a name that does not
            // clash with the meetings the product calls events, and stores each typed event as jsonb. Rows from before
            // carried their facts as free text, which nothing reads any more: any not yet mailed are closed here
            // (mail was written with the change until now, so there are none unless a hand-written fix left one).
            migrationBuilder.Sql("UPDATE domain_events SET processed_at = now() WHERE processed_at IS NULL;");
            migrationBuilder.RenameTable(name: "domain_events", newName: "notification_records");
            migrationBuilder.Sql("ALTER TABLE notification_records RENAME CONSTRAINT pk_domain_events TO pk_notification_records;");
            migrationBuilder.RenameIndex(name: "ix_domain_events_event_id_type", table: "notification_records", newName: "ix_notification_records_event_id_type");
            migrationBuilder.RenameIndex(name: "ix_domain_events_unprocessed", table: "notification_records", newName: "ix_notification_records_unprocessed");
            migrationBuilder.AddColumn<string>(name: "payload", table: "notification_records", type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb");
            migrationBuilder.Sql("ALTER TABLE notification_records ALTER COLUMN payload DROP DEFAULT;");
            migrationBuilder.DropColumn(name: "detail", table: "notification_records");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "detail", table: "notification_records", type: "character varying(1000)", maxLength: 1000, nullable: true);
            migrationBuilder.DropColumn(name: "payload", table: "notification_records");
            migrationBuilder.RenameIndex(name: "ix_notification_records_unprocessed", table: "notification_records", newName: "ix_domain_events_unprocessed");
            migrationBuilder.RenameIndex(name: "ix_notification_records_event_id_type", table: "notification_records", newName: "ix_domain_events_event_id_type");
            migrationBuilder.Sql("ALTER TABLE notification_records RENAME CONSTRAINT pk_notification_records TO pk_domain_events;");
            migrationBuilder.RenameTable(name: "notification_records", newName: "domain_events");
        }
    }
}
