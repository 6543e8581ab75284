-- A deleted template is moved here, never erased (the folders' trash), and its name is free again.

CREATE TABLE templates_trash (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  revision integer NOT NULL,
  yaml text NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_by text NOT NULL,
  deleted_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER templates_trash_immutable BEFORE UPDATE OR DELETE ON templates_trash
  FOR EACH ROW EXECUTE FUNCTION bidkit_refuse_change();
CREATE TRIGGER templates_trash_no_truncate BEFORE TRUNCATE ON templates_trash
  FOR EACH STATEMENT EXECUTE FUNCTION bidkit_refuse_change();
