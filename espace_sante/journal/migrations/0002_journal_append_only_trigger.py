from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION journal_refuser_modification() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Le journal d''audit est en ajout seul : % refusé sur %.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER journal_entree_ajout_seul
    BEFORE UPDATE OR DELETE ON journal_entree
    FOR EACH ROW EXECUTE FUNCTION journal_refuser_modification();

CREATE TRIGGER journal_tetechaine_pas_de_suppression
    BEFORE DELETE ON journal_tetechaine
    FOR EACH ROW EXECUTE FUNCTION journal_refuser_modification();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS journal_entree_ajout_seul ON journal_entree;
DROP TRIGGER IF EXISTS journal_tetechaine_pas_de_suppression ON journal_tetechaine;
DROP FUNCTION IF EXISTS journal_refuser_modification();
"""


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
