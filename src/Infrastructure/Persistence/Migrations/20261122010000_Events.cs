using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// Events, sessions, ticket types, registrations, the waitlist, check-ins, calendar feeds, idempotency records and the domain event outbox.
/// Written by hand; <c>Schema_from_migrations_equals_schema_from_model</c> proves it matches the model.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122010000_Events")]
public sealed class Events : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            CREATE TABLE domain_events (
                id uuid NOT NULL,
                type character varying(64) NOT NULL,
                event_id uuid NOT NULL,
                member_id uuid,
                subject_id uuid,
                occurred_at timestamp with time zone NOT NULL,
                detail character varying(1000),
                processed_at timestamp with time zone,
                CONSTRAINT pk_domain_events PRIMARY KEY (id)
            );

            CREATE TABLE idempotency_records (
                member_id uuid NOT NULL,
                key character varying(200) NOT NULL,
                fingerprint character varying(64) NOT NULL,
                status_code integer,
                content_type character varying(100),
                body text,
                location character varying(300),
                created_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_idempotency_records PRIMARY KEY (member_id, key)
            );

            CREATE TABLE calendar_feeds (
                member_id uuid NOT NULL,
                token_hash character varying(64) NOT NULL,
                created_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_calendar_feeds PRIMARY KEY (member_id),
                CONSTRAINT fk_calendar_feeds_users_member_id FOREIGN KEY (member_id) REFERENCES users (id) ON DELETE CASCADE
            );

            CREATE TABLE events (
                id uuid NOT NULL,
                organizer_id uuid NOT NULL,
                co_organizer_ids uuid[] NOT NULL,
                kind character varying(30) NOT NULL,
                format character varying(20) NOT NULL,
                title character varying(200) NOT NULL,
                description character varying(10000),
                time_zone character varying(64) NOT NULL,
                starts_at timestamp with time zone NOT NULL,
                ends_at timestamp with time zone NOT NULL,
                venue_name character varying(200),
                venue_address character varying(300),
                venue_prefecture character varying(20),
                online_join_url character varying(500),
                attendee_materials character varying(20000),
                attendee_notes character varying(2000),
                audience character varying(30) NOT NULL,
                audience_professions text[] NOT NULL,
                capacity integer NOT NULL,
                seats_taken integer NOT NULL,
                requires_approval boolean NOT NULL,
                speakers jsonb NOT NULL,
                questions jsonb NOT NULL,
                pledge_text text,
                pledge_version integer NOT NULL,
                cancellation_deadline_hours integer NOT NULL,
                hold_minutes integer NOT NULL,
                offer_hours integer NOT NULL,
                status character varying(20) NOT NULL,
                cancellation_reason character varying(1000),
                sequence integer NOT NULL,
                created_at timestamp with time zone NOT NULL,
                updated_at timestamp with time zone NOT NULL,
                published_at timestamp with time zone,
                cancelled_at timestamp with time zone,
                CONSTRAINT pk_events PRIMARY KEY (id),
                CONSTRAINT ck_events_seats CHECK (seats_taken >= 0 AND seats_taken <= capacity),
                CONSTRAINT ck_events_times CHECK (ends_at > starts_at),
                CONSTRAINT fk_events_users_organizer_id FOREIGN KEY (organizer_id) REFERENCES users (id) ON DELETE RESTRICT
            );

            CREATE TABLE event_sessions (
                id uuid NOT NULL,
                event_id uuid NOT NULL,
                title character varying(200),
                starts_at timestamp with time zone NOT NULL,
                ends_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_event_sessions PRIMARY KEY (id),
                CONSTRAINT ck_event_sessions_times CHECK (ends_at > starts_at),
                CONSTRAINT fk_event_sessions_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
            );

            CREATE TABLE ticket_types (
                id uuid NOT NULL,
                event_id uuid NOT NULL,
                name character varying(100) NOT NULL,
                price_yen integer NOT NULL,
                member_price_yen integer,
                quota integer,
                sales_start_at timestamp with time zone,
                sales_end_at timestamp with time zone,
                max_per_member integer NOT NULL,
                seats_taken integer NOT NULL,
                CONSTRAINT pk_ticket_types PRIMARY KEY (id),
                CONSTRAINT ck_ticket_types_prices CHECK (price_yen >= 0 AND (member_price_yen IS NULL OR member_price_yen >= 0)),
                CONSTRAINT ck_ticket_types_seats CHECK (seats_taken >= 0 AND (quota IS NULL OR seats_taken <= quota)),
                CONSTRAINT fk_ticket_types_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
            );

            CREATE TABLE registrations (
                id uuid NOT NULL,
                event_id uuid NOT NULL,
                member_id uuid NOT NULL,
                ticket_type_id uuid NOT NULL,
                quantity integer NOT NULL,
                status character varying(20) NOT NULL,
                amount_yen integer NOT NULL,
                hold_expires_at timestamp with time zone,
                answers jsonb NOT NULL,
                pledge_version integer,
                pledge_accepted_at timestamp with time zone,
                check_in_code character varying(32) NOT NULL,
                created_at timestamp with time zone NOT NULL,
                confirmed_at timestamp with time zone,
                ended_at timestamp with time zone,
                end_reason character varying(500),
                waitlist_entry_id uuid,
                CONSTRAINT pk_registrations PRIMARY KEY (id),
                CONSTRAINT ck_registrations_amount CHECK (amount_yen >= 0),
                CONSTRAINT ck_registrations_hold CHECK ((status = 'PendingPayment') = (hold_expires_at IS NOT NULL)),
                CONSTRAINT ck_registrations_quantity CHECK (quantity BETWEEN 1 AND 10),
                CONSTRAINT fk_registrations_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
                CONSTRAINT fk_registrations_ticket_types_ticket_type_id FOREIGN KEY (ticket_type_id) REFERENCES ticket_types (id) ON DELETE RESTRICT,
                CONSTRAINT fk_registrations_users_member_id FOREIGN KEY (member_id) REFERENCES users (id) ON DELETE CASCADE
            );

            CREATE TABLE waitlist_entries (
                id uuid NOT NULL,
                event_id uuid NOT NULL,
                member_id uuid NOT NULL,
                ticket_type_id uuid NOT NULL,
                status character varying(20) NOT NULL,
                joined_at timestamp with time zone NOT NULL,
                offered_at timestamp with time zone,
                offer_expires_at timestamp with time zone,
                responded_at timestamp with time zone,
                answers jsonb NOT NULL,
                pledge_accepted boolean NOT NULL,
                CONSTRAINT pk_waitlist_entries PRIMARY KEY (id),
                CONSTRAINT ck_waitlist_offer CHECK ((status = 'Offered') = (offer_expires_at IS NOT NULL AND responded_at IS NULL)),
                CONSTRAINT fk_waitlist_entries_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
                CONSTRAINT fk_waitlist_entries_ticket_types_ticket_type_id FOREIGN KEY (ticket_type_id) REFERENCES ticket_types (id) ON DELETE RESTRICT,
                CONSTRAINT fk_waitlist_entries_users_member_id FOREIGN KEY (member_id) REFERENCES users (id) ON DELETE CASCADE
            );

            CREATE TABLE check_ins (
                id uuid NOT NULL,
                registration_id uuid NOT NULL,
                session_id uuid NOT NULL,
                checked_in_by uuid NOT NULL,
                checked_in_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_check_ins PRIMARY KEY (id),
                CONSTRAINT fk_check_ins_event_sessions_session_id FOREIGN KEY (session_id) REFERENCES event_sessions (id) ON DELETE CASCADE,
                CONSTRAINT fk_check_ins_registrations_registration_id FOREIGN KEY (registration_id) REFERENCES registrations (id) ON DELETE CASCADE
            );

            CREATE UNIQUE INDEX ix_calendar_feeds_token_hash ON calendar_feeds (token_hash);

            CREATE UNIQUE INDEX ix_check_ins_registration_id_session_id ON check_ins (registration_id, session_id);

            CREATE INDEX ix_check_ins_session_id ON check_ins (session_id);

            CREATE INDEX ix_domain_events_event_id_type ON domain_events (event_id, type);

            CREATE INDEX ix_domain_events_unprocessed ON domain_events (id) WHERE processed_at IS NULL;

            CREATE INDEX ix_event_sessions_event_id_starts_at ON event_sessions (event_id, starts_at);

            CREATE INDEX ix_events_organizer_id ON events (organizer_id);

            CREATE INDEX ix_events_status_starts_at_id ON events (status, starts_at, id);

            CREATE INDEX ix_idempotency_records_created_at ON idempotency_records (created_at);

            CREATE UNIQUE INDEX ix_registrations_check_in_code ON registrations (check_in_code);

            CREATE INDEX ix_registrations_event_id_status ON registrations (event_id, status);

            CREATE INDEX ix_registrations_holds_due ON registrations (hold_expires_at) WHERE status = 'PendingPayment';

            CREATE INDEX ix_registrations_member_id_id ON registrations (member_id, id);

            CREATE UNIQUE INDEX ix_registrations_one_active_per_member ON registrations (event_id, member_id) WHERE status IN ('PendingApproval', 'PendingPayment', 'Confirmed');

            CREATE INDEX ix_registrations_ticket_type_id ON registrations (ticket_type_id);

            CREATE INDEX ix_ticket_types_event_id ON ticket_types (event_id);

            CREATE INDEX ix_waitlist_entries_event_id_status_joined_at ON waitlist_entries (event_id, status, joined_at);

            CREATE INDEX ix_waitlist_entries_member_id ON waitlist_entries (member_id);

            CREATE INDEX ix_waitlist_entries_ticket_type_id ON waitlist_entries (ticket_type_id);

            CREATE INDEX ix_waitlist_offers_due ON waitlist_entries (offer_expires_at) WHERE status = 'Offered';

            CREATE UNIQUE INDEX ix_waitlist_one_open_per_member ON waitlist_entries (event_id, member_id) WHERE status IN ('Waiting', 'Offered');
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE check_ins, waitlist_entries, registrations, ticket_types, event_sessions, events, calendar_feeds, idempotency_records, domain_events;");
    }
}
