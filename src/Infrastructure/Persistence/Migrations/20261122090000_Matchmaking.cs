using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// Matchmaking evenings: ticket types name a side (doctor / counsellor, the quota per side), the round schedule
/// with its promises as unique indexes (one table per person per round, nobody meets twice), and the selections.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122090000_Matchmaking")]
public sealed class Matchmaking : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            ALTER TABLE ticket_types ADD side character varying(20);

            CREATE TABLE matchmaking_meetings (
                event_id uuid NOT NULL,
                round integer NOT NULL,
                table_no integer NOT NULL,
                doctor_id uuid NOT NULL,
                counsellor_id uuid NOT NULL,
                score double precision NOT NULL,
                CONSTRAINT pk_matchmaking_meetings PRIMARY KEY (event_id, round, table_no),
                CONSTRAINT fk_matchmaking_meetings_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
            );

            CREATE TABLE matchmaking_selections (
                event_id uuid NOT NULL,
                chooser_id uuid NOT NULL,
                chosen_id uuid NOT NULL,
                created_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_matchmaking_selections PRIMARY KEY (event_id, chooser_id, chosen_id),
                CONSTRAINT ck_matchmaking_selections_not_self CHECK (chooser_id <> chosen_id),
                CONSTRAINT fk_matchmaking_selections_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
            );

            CREATE UNIQUE INDEX ix_matchmaking_meetings_event_id_doctor_id_counsellor_id ON matchmaking_meetings (event_id, doctor_id, counsellor_id);
            CREATE UNIQUE INDEX ix_matchmaking_meetings_event_id_round_counsellor_id ON matchmaking_meetings (event_id, round, counsellor_id);
            CREATE UNIQUE INDEX ix_matchmaking_meetings_event_id_round_doctor_id ON matchmaking_meetings (event_id, round, doctor_id);
            CREATE INDEX ix_matchmaking_selections_event_id_chosen_id ON matchmaking_selections (event_id, chosen_id);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            DROP TABLE matchmaking_selections;
            DROP TABLE matchmaking_meetings;
            ALTER TABLE ticket_types DROP COLUMN side;
            """);
    }
}
