from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION registre_refuser_modification() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Le registre des décisions est en ajout seul : % refusé sur %.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER consentement_decision_ajout_seul
    BEFORE UPDATE OR DELETE ON consentement_decision
    FOR EACH ROW EXECUTE FUNCTION registre_refuser_modification();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS consentement_decision_ajout_seul ON consentement_decision;
DROP FUNCTION IF EXISTS registre_refuser_modification();
"""


class Migration(migrations.Migration):
    dependencies = [("consentement", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
