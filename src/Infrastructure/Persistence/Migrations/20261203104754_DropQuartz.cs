using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Jobs moved from Quartz to Hangfire (its own schema, installed by the migrator): Quartz's tables go, every one
    /// its 4.7.3 PostgreSQL script created. IF EXISTS, because a database created after the move never had them.
    /// </summary>
    public partial class DropQuartz : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TABLE IF EXISTS qrtz_fired_triggers CASCADE;
                DROP TABLE IF EXISTS qrtz_paused_trigger_grps CASCADE;
                DROP TABLE IF EXISTS qrtz_paused_job_grps CASCADE;
                DROP TABLE IF EXISTS qrtz_scheduler_state CASCADE;
                DROP TABLE IF EXISTS qrtz_locks CASCADE;
                DROP TABLE IF EXISTS qrtz_simple_triggers CASCADE;
                DROP TABLE IF EXISTS qrtz_cron_triggers CASCADE;
                DROP TABLE IF EXISTS qrtz_simprop_triggers CASCADE;
                DROP TABLE IF EXISTS qrtz_blob_triggers CASCADE;
                DROP TABLE IF EXISTS qrtz_triggers CASCADE;
                DROP TABLE IF EXISTS qrtz_job_details CASCADE;
                DROP TABLE IF EXISTS qrtz_calendars CASCADE;
                DROP TABLE IF EXISTS qrtz_execution_history CASCADE;
                DROP TABLE IF EXISTS qrtz_misfire_history CASCADE;
                DROP TABLE IF EXISTS qrtz_job_status CASCADE;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to restore: no code reads Quartz's tables any more, and its script left with the package.
        }
    }
}
