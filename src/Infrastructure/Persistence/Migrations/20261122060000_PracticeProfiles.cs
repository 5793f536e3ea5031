using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// The referral board's first tables: controlled vocabularies (seeded, with Japanese and English labels) and
/// practice profiles. Written by hand; the schema test checks it.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122060000_PracticeProfiles")]
public sealed class PracticeProfiles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            CREATE TABLE vocabulary_terms (
                kind character varying(20) NOT NULL,
                code character varying(60) NOT NULL,
                label_ja character varying(100) NOT NULL,
                label_en character varying(100) NOT NULL,
                active boolean NOT NULL,
                CONSTRAINT pk_vocabulary_terms PRIMARY KEY (kind, code)
            );

            CREATE TABLE practice_profiles (
                member_id uuid NOT NULL,
                specialties text[] NOT NULL,
                modalities text[] NOT NULL,
                age_groups text[] NOT NULL,
                languages text[] NOT NULL,
                delivery text[] NOT NULL,
                locations jsonb NOT NULL,
                online_prefectures text[] NOT NULL,
                settings text[] NOT NULL,
                fee_min_yen integer,
                fee_max_yen integer,
                insurance_covered boolean NOT NULL,
                acceptance character varying(20) NOT NULL,
                acceptance_confirmed_at timestamp with time zone NOT NULL,
                typical_wait_weeks integer,
                updated_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_practice_profiles PRIMARY KEY (member_id),
                CONSTRAINT ck_practice_profiles_fees CHECK (fee_min_yen IS NULL OR fee_max_yen IS NULL OR fee_min_yen <= fee_max_yen),
                CONSTRAINT fk_practice_profiles_users_member_id FOREIGN KEY (member_id) REFERENCES users (id) ON DELETE CASCADE
            );

            CREATE INDEX ix_practice_profiles_modalities ON practice_profiles USING gin (modalities);

            CREATE INDEX ix_practice_profiles_specialties ON practice_profiles USING gin (specialties);

            INSERT INTO vocabulary_terms (kind, code, label_ja, label_en, active) VALUES
                ('Specialty', 'depression', 'うつ', 'Depression', true),
                ('Specialty', 'anxiety', '不安', 'Anxiety', true),
                ('Specialty', 'trauma-ptsd', 'トラウマ・PTSD', 'Trauma / PTSD', true),
                ('Specialty', 'developmental', '発達障害', 'Developmental disorders', true),
                ('Specialty', 'addiction', '依存症', 'Addiction', true),
                ('Specialty', 'eating-disorders', '摂食障害', 'Eating disorders', true),
                ('Specialty', 'grief', 'グリーフ', 'Grief', true),
                ('Specialty', 'family-couples', '家族・夫婦', 'Family and couples', true),
                ('Specialty', 'child-adolescent', '子ども・思春期', 'Child and adolescent', true),
                ('Specialty', 'workplace', '職場のメンタルヘルス', 'Workplace mental health', true),
                ('Specialty', 'dementia', '認知症ケア', 'Dementia care', true),
                ('Specialty', 'perinatal', '周産期', 'Perinatal', true),
                ('Specialty', 'suicide-prevention', '自殺予防', 'Suicide prevention', true),
                ('Specialty', 'psychosis', '精神病性障害', 'Psychosis', true),
                ('Modality', 'cbt', '認知行動療法', 'CBT', true),
                ('Modality', 'emdr', 'EMDR', 'EMDR', true),
                ('Modality', 'psychodynamic', '精神力動的心理療法', 'Psychodynamic', true),
                ('Modality', 'family-therapy', '家族療法', 'Family therapy', true),
                ('Modality', 'play-therapy', '遊戯療法', 'Play therapy', true),
                ('Modality', 'schema', 'スキーマ療法', 'Schema therapy', true),
                ('Modality', 'mindfulness', 'マインドフルネス', 'Mindfulness-based', true),
                ('Modality', 'dbt', '弁証法的行動療法', 'DBT', true),
                ('Modality', 'act', 'ACT', 'ACT', true),
                ('Modality', 'tf-cbt', 'トラウマフォーカスト認知行動療法', 'TF-CBT', true),
                ('Modality', 'person-centred', '来談者中心療法', 'Person-centred', true),
                ('Modality', 'solution-focused', '解決志向ブリーフセラピー', 'Solution-focused', true)
            ON CONFLICT DO NOTHING;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE practice_profiles, vocabulary_terms;");
    }
}
