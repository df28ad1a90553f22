import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A table deleted and created again continues the deleted one's numbering (contract, section 4):
 * its first change is the old head + 1 and its log starts there, so a cursor of the old table
 * (any since ≤ old head) gets `reset`, never the new table's changes as if they were the old one's.
 *
 * Kept in the database, so that every creator (REST, Acumatica's auto-create, reloads) gets it:
 * an AFTER DELETE trigger remembers the head of a deleted table under its (solution, name); a
 * BEFORE INSERT trigger starts a new table of that name at that head, with `log_floor` = head + 1
 * ("cursors below this are not served by this log": since < log_floor answers reset).
 *
 * Not for tables deleted with their solution (or organization): a new solution has a new id, so
 * no later table can take their place; the graveyard row would only violate its foreign key.
 */
export class TableGraveyard1732200000030 implements MigrationInterface {
  name = 'TableGraveyard1732200000030';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE data_table_graveyard (
        solution_id uuid        NOT NULL,
        name        text        NOT NULL,
        head        bigint      NOT NULL,
        deleted_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_data_table_graveyard PRIMARY KEY (solution_id, name),
        CONSTRAINT fk_data_table_graveyard_solution FOREIGN KEY (solution_id) REFERENCES solutions (id) ON DELETE CASCADE
      )`);
    await db.query(`
      CREATE FUNCTION data_tables_bury() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.head > 0 THEN
          INSERT INTO data_table_graveyard (solution_id, name, head)
          SELECT OLD.solution_id, OLD.name, OLD.head
           WHERE EXISTS (SELECT 1 FROM solutions WHERE id = OLD.solution_id) -- not when the solution goes with it
          ON CONFLICT ON CONSTRAINT pk_data_table_graveyard
          DO UPDATE SET head = GREATEST(data_table_graveyard.head, EXCLUDED.head), deleted_at = now();
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION data_tables_continue_numbering() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        buried bigint;
      BEGIN
        -- A concurrent delete of the same name: wait for it to commit, so the next statement (a new
        -- snapshot under READ COMMITTED) sees what it buried.
        PERFORM 1 FROM data_tables WHERE solution_id = NEW.solution_id AND name = NEW.name FOR KEY SHARE;
        SELECT head INTO buried FROM data_table_graveyard WHERE solution_id = NEW.solution_id AND name = NEW.name;
        IF buried IS NOT NULL THEN
          NEW.head := GREATEST(NEW.head, buried);
          NEW.log_floor := GREATEST(NEW.log_floor, buried + 1);
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER tr_data_tables_bury AFTER DELETE ON data_tables
        FOR EACH ROW EXECUTE FUNCTION data_tables_bury()`);
    await db.query(`
      CREATE TRIGGER tr_data_tables_continue_numbering BEFORE INSERT ON data_tables
        FOR EACH ROW EXECUTE FUNCTION data_tables_continue_numbering()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER tr_data_tables_continue_numbering ON data_tables');
    await db.query('DROP TRIGGER tr_data_tables_bury ON data_tables');
    await db.query('DROP FUNCTION data_tables_continue_numbering()');
    await db.query('DROP FUNCTION data_tables_bury()');
    await db.query('DROP TABLE data_table_graveyard');
  }
}
