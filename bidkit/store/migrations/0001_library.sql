-- The clause library, its review history and the audit log. Versions, review events and audit
-- rows are written once: triggers refuse UPDATE, DELETE and TRUNCATE of them, whoever asks.

CREATE FUNCTION bidkit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rows of % are never changed or deleted (% refused)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation';
END $$;

-- One counter bumped in the same transaction as every library write, so that an instance learns
-- whether its cached library is current with one cheap query, and never sees the new stamp
-- before the rows it stands for (a sequence would be bumped outside the transaction).
CREATE TABLE library_stamp (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  stamp bigint NOT NULL DEFAULT 0
);
INSERT INTO library_stamp DEFAULT VALUES;

CREATE FUNCTION bidkit_bump_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE library_stamp SET stamp = stamp + 1;
  RETURN NULL;
END $$;

CREATE TABLE categories (
  name text PRIMARY KEY CHECK (name ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  yaml text NOT NULL  -- _category.yaml as the folder holds it
);

CREATE TABLE clauses (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  category text NOT NULL REFERENCES categories (name) ON UPDATE RESTRICT ON DELETE RESTRICT
);

CREATE TABLE versions (
  clause_id text NOT NULL REFERENCES clauses (id),
  version integer NOT NULL CHECK (version >= 1),
  yaml text NOT NULL,  -- vN.yaml exactly as the folder file holds it
  author text NOT NULL CHECK (author <> ''),
  created_at timestamptz NOT NULL,
  digest text NOT NULL,  -- version_digest: what a reviewer read
  saved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (clause_id, version)
);

-- Numbers follow each other: v(N+1) only once vN is there, as on folders.
CREATE FUNCTION bidkit_next_version_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version > 1 AND NOT EXISTS (
      SELECT 1 FROM versions WHERE clause_id = NEW.clause_id AND version = NEW.version - 1) THEN
    RAISE EXCEPTION '% v% skips a number: v% is not saved', NEW.clause_id, NEW.version, NEW.version - 1
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER versions_follow BEFORE INSERT ON versions
  FOR EACH ROW EXECUTE FUNCTION bidkit_next_version_only();

CREATE TABLE review_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  clause_id text NOT NULL,
  version integer NOT NULL,
  event text NOT NULL CHECK (event IN ('approved', 'retired')),
  reviewer text NOT NULL CHECK (reviewer <> ''),
  comment text NOT NULL DEFAULT '',
  verified boolean NOT NULL DEFAULT false,
  at timestamptz NOT NULL,
  yaml text NOT NULL,  -- vN.<event>.yaml as the folder holds it
  FOREIGN KEY (clause_id, version) REFERENCES versions (clause_id, version),
  -- one file vN.<event>.yaml a version on folders: one row here
  UNIQUE (clause_id, version, event)
);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,      -- who: the signed-in email, or the name given
  verified boolean NOT NULL DEFAULT false,  -- signed in, rather than a name taken on trust
  action text NOT NULL,     -- what: new-version, approved, retired, bid-saved, template-deleted, ...
  clause_id text,
  version integer,
  document_kind text CHECK (document_kind IN ('bid', 'template')),
  document_name text,
  instance text NOT NULL    -- which app process or command line: host and pid
);
CREATE INDEX audit_log_clause ON audit_log (clause_id, version) WHERE clause_id IS NOT NULL;
CREATE INDEX audit_log_document ON audit_log (document_kind, document_name) WHERE document_kind IS NOT NULL;

CREATE TRIGGER versions_immutable BEFORE UPDATE OR DELETE ON versions
  FOR EACH ROW EXECUTE FUNCTION bidkit_refuse_change();
CREATE TRIGGER versions_no_truncate BEFORE TRUNCATE ON versions
  FOR EACH STATEMENT EXECUTE FUNCTION bidkit_refuse_change();
CREATE TRIGGER review_events_immutable BEFORE UPDATE OR DELETE ON review_events
  FOR EACH ROW EXECUTE FUNCTION bidkit_refuse_change();
CREATE TRIGGER review_events_no_truncate BEFORE TRUNCATE ON review_events
  FOR EACH STATEMENT EXECUTE FUNCTION bidkit_refuse_change();
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION bidkit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION bidkit_refuse_change();

CREATE TRIGGER categories_stamp AFTER INSERT OR UPDATE OR DELETE ON categories
  FOR EACH STATEMENT EXECUTE FUNCTION bidkit_bump_stamp();
CREATE TRIGGER clauses_stamp AFTER INSERT OR UPDATE OR DELETE ON clauses
  FOR EACH STATEMENT EXECUTE FUNCTION bidkit_bump_stamp();
CREATE TRIGGER versions_stamp AFTER INSERT ON versions
  FOR EACH STATEMENT EXECUTE FUNCTION bidkit_bump_stamp();
CREATE TRIGGER review_events_stamp AFTER INSERT ON review_events
  FOR EACH STATEMENT EXECUTE FUNCTION bidkit_bump_stamp();
