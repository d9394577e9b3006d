from django.db import migrations

# The application role may UPDATE the heads (writers move them forward). This trigger,
# owned by the tables' owner, refuses any update that moves a head back or renames it: the
# application role can neither drop nor disable it (it owns nothing, has no TRIGGER right),
# so a head moved back — which would make every later write on that chain collide with an
# existing rank — can only be the owner's doing, and the witness outside the database
# (journal.temoin) reports it.
SQL = """
CREATE OR REPLACE FUNCTION journal_tete_sans_recul() RETURNS trigger AS $$
BEGIN
    IF NEW.chaine <> OLD.chaine OR NEW.rang < OLD.rang THEN
        RAISE EXCEPTION 'Une tête de chaîne du journal ne recule jamais : % rang % → %.',
            OLD.chaine, OLD.rang, NEW.rang
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER journal_tetechaine_sans_recul
    BEFORE UPDATE ON journal_tetechaine
    FOR EACH ROW EXECUTE FUNCTION journal_tete_sans_recul();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS journal_tetechaine_sans_recul ON journal_tetechaine;
DROP FUNCTION IF EXISTS journal_tete_sans_recul();
"""


class Migration(migrations.Migration):
    dependencies = [("journal", "0008_libelles_en_francais")]
    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
