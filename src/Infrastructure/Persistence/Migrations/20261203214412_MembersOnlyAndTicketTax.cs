using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MembersOnlyAndTicketTax : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "members_only",
                table: "ticket_types",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "tax",
                table: "ticket_types",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Standard");

            migrationBuilder.AddColumn<bool>(
                name: "members_only",
                table: "events",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // The defaults only filled the rows already there; EF writes every column, as the model says.
            migrationBuilder.Sql(
                """
                ALTER TABLE ticket_types ALTER COLUMN members_only DROP DEFAULT, ALTER COLUMN tax DROP DEFAULT;
                ALTER TABLE events ALTER COLUMN members_only DROP DEFAULT;
                """);

            // The event version must move with the new columns too (see the baseline; SchemaTests checks the lists).
            migrationBuilder.Sql(
                """
                DROP TRIGGER tr_events_version ON events;
                CREATE TRIGGER tr_events_version BEFORE UPDATE OF
                    id, organizer_id, co_organizer_ids, kind, format, title, description, time_zone, starts_at, ends_at,
                    venue_name, venue_address, venue_prefecture, online_join_url, attendee_materials, attendee_notes,
                    audience, audience_professions, capacity, requires_approval, speakers, questions, reminder_rules,
                    pledge_text, pledge_version, cancellation_deadline_hours, hold_minutes, offer_hours, status,
                    cancellation_reason, sequence, created_at, updated_at, published_at, cancelled_at, members_only
                    ON events FOR EACH ROW EXECUTE FUNCTION bump_event_version();

                DROP TRIGGER tr_ticket_types_version ON ticket_types;
                CREATE TRIGGER tr_ticket_types_version AFTER INSERT OR DELETE OR UPDATE OF
                    id, event_id, name, price_yen, member_price_yen, quota, sales_start_at, sales_end_at, max_per_member, side,
                    members_only, tax
                    ON ticket_types FOR EACH ROW EXECUTE FUNCTION bump_event_version_of_ticket_type();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER tr_events_version ON events;
                CREATE TRIGGER tr_events_version BEFORE UPDATE OF
                    id, organizer_id, co_organizer_ids, kind, format, title, description, time_zone, starts_at, ends_at,
                    venue_name, venue_address, venue_prefecture, online_join_url, attendee_materials, attendee_notes,
                    audience, audience_professions, capacity, requires_approval, speakers, questions, reminder_rules,
                    pledge_text, pledge_version, cancellation_deadline_hours, hold_minutes, offer_hours, status,
                    cancellation_reason, sequence, created_at, updated_at, published_at, cancelled_at
                    ON events FOR EACH ROW EXECUTE FUNCTION bump_event_version();

                DROP TRIGGER tr_ticket_types_version ON ticket_types;
                CREATE TRIGGER tr_ticket_types_version AFTER INSERT OR DELETE OR UPDATE OF
                    id, event_id, name, price_yen, member_price_yen, quota, sales_start_at, sales_end_at, max_per_member, side
                    ON ticket_types FOR EACH ROW EXECUTE FUNCTION bump_event_version_of_ticket_type();
                """);

            migrationBuilder.DropColumn(
                name: "members_only",
                table: "ticket_types");

            migrationBuilder.DropColumn(
                name: "tax",
                table: "ticket_types");

            migrationBuilder.DropColumn(
                name: "members_only",
                table: "events");
        }
    }
}
