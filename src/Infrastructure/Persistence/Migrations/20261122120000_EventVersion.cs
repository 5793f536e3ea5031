using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// Each event's version: bumped by PostgreSQL on any change to the event or to its ticket types — except the seat
/// counters, which change with every registration and are read fresh anyway. The registration desk keeps an event in
/// memory under its version and checks it in the same round trip that reads the counters, so a change made through
/// any process, or straight in SQL, is seen by the next registration. The column lists name every column but the
/// counters (and the version itself); SchemaTests fails when a new column is missing from them.
/// Organizer changes lock the event row before touching its ticket types, so the ticket-type trigger's update of the
/// event row adds no lock-order cycle.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122120000_EventVersion")]
public sealed class EventVersion : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            ALTER TABLE events ADD version bigint NOT NULL DEFAULT 0;

            CREATE FUNCTION bump_event_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.version := OLD.version + 1;
                RETURN NEW;
            END
            $$;

            CREATE TRIGGER tr_events_version BEFORE UPDATE OF
                id, organizer_id, co_organizer_ids, kind, format, title, description, time_zone, starts_at, ends_at,
                venue_name, venue_address, venue_prefecture, online_join_url, attendee_materials, attendee_notes,
                audience, audience_professions, capacity, requires_approval, speakers, questions, reminder_rules,
                pledge_text, pledge_version, cancellation_deadline_hours, hold_minutes, offer_hours, status,
                cancellation_reason, sequence, created_at, updated_at, published_at, cancelled_at
                ON events FOR EACH ROW EXECUTE FUNCTION bump_event_version();

            CREATE FUNCTION bump_event_version_of_ticket_type() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE events SET version = version + 1
                 WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.event_id ELSE NEW.event_id END;
                IF TG_OP = 'UPDATE' AND OLD.event_id <> NEW.event_id THEN
                    UPDATE events SET version = version + 1 WHERE id = OLD.event_id;
                END IF;
                RETURN NULL;
            END
            $$;

            CREATE TRIGGER tr_ticket_types_version AFTER INSERT OR DELETE OR UPDATE OF
                id, event_id, name, price_yen, member_price_yen, quota, sales_start_at, sales_end_at, max_per_member, side
                ON ticket_types FOR EACH ROW EXECUTE FUNCTION bump_event_version_of_ticket_type();
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            DROP TRIGGER tr_ticket_types_version ON ticket_types;
            DROP FUNCTION bump_event_version_of_ticket_type();
            DROP TRIGGER tr_events_version ON events;
            DROP FUNCTION bump_event_version();
            ALTER TABLE events DROP COLUMN version;
            """);
    }
}
