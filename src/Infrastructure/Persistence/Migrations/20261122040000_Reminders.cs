using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// Reminder rules on events (existing events get the defaults: the day before at 18:00, and an hour before), the
/// record of reminders sent, and members' mail preferences. Written by hand; the schema test checks it.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122040000_Reminders")]
public sealed class Reminders : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            ALTER TABLE events ADD COLUMN reminder_rules jsonb NOT NULL DEFAULT '[{"daysBefore":1,"at":"18:00:00","hoursBefore":null},{"daysBefore":null,"at":null,"hoursBefore":1}]';
            ALTER TABLE events ALTER COLUMN reminder_rules DROP DEFAULT;

            CREATE TABLE mail_preferences (
                member_id uuid NOT NULL,
                reminders boolean NOT NULL,
                CONSTRAINT pk_mail_preferences PRIMARY KEY (member_id),
                CONSTRAINT fk_mail_preferences_users_member_id FOREIGN KEY (member_id) REFERENCES users (id) ON DELETE CASCADE
            );

            CREATE TABLE reminder_sends (
                event_id uuid NOT NULL,
                due_at timestamp with time zone NOT NULL,
                recipients integer NOT NULL,
                sent_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_reminder_sends PRIMARY KEY (event_id, due_at),
                CONSTRAINT fk_reminder_sends_events_event_id FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
            );
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE reminder_sends, mail_preferences; ALTER TABLE events DROP COLUMN reminder_rules;");
    }
}
