using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// Jobs moved from Quartz to Hangfire (its own schema, installed by the migrator): Quartz's tables go, every one its
/// 4.7.3 PostgreSQL script created. IF EXISTS, because a database created after the move never had them.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261203100000_DropQuartz")]
public sealed class DropQuartz : Migration
{
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

    /// <remarks>Nothing to restore: no code reads Quartz's tables any more, and its script left with the package.</remarks>
    protected override void Down(MigrationBuilder migrationBuilder)
    {
    }
}
